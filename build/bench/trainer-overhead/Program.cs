using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;

namespace TrainerOverhead;

/// <summary>
/// <c>compare</c> (the default) runs the trainer and the hand-written loop in alternating child
/// processes, <c>--pairs</c> times each, and reports the median wall-time ratio, whether the per-epoch
/// losses are identical, and each one's peak memory. <c>run --impl trainer|manual</c> is one child.
/// </summary>
internal static class Program
{
    private const string ResultPrefix = "RESULT ";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private static int Main(string[] args)
    {
        try
        {
            var (command, options) = Parse(args);
            return command switch
            {
                "run" => RunChild(options),
                "compare" => Compare(options),
                _ => Usage($"unknown command '{command}'"),
            };
        }
        catch (ArgumentException e)
        {
            return Usage(e.Message);
        }
    }

    // ------------------------------------------------------------------ one measured run (child process)

    private static int RunChild(Options o)
    {
        var s = o.Settings;
        torch.set_num_threads(s.Threads);
        var (train, val) = Workload.Data(s);
        var output = s.WithSinks ? Directory.CreateTempSubdirectory("trainer-overhead-").FullName : null;
        try
        {
            // Warm-up on a few batches with a throwaway model, so JIT and allocator start-up cost neither side.
            if (s.WarmupBatches > 0)
            {
                var warm = s with { Epochs = 1 };
                using var warmModel = Workload.Model(warm);
                Train(o.Impl!, warmModel, train.Take(s.WarmupBatches).ToList(), val.Take(2).ToList(), warm, output is null ? null : Path.Combine(output, "warmup"));
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var model = Workload.Model(s);
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var (trainLoss, valLoss) = Train(o.Impl!, model, train, val, s, output);
            clock.Stop();

            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var result = new RunResult(o.Impl!, clock.Elapsed.TotalSeconds, cpu.TotalSeconds, trainLoss, valLoss, process.PeakWorkingSet64, ReadProcStatus("VmHWM"));
            Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(result));
            return 0;
        }
        finally
        {
            foreach (var (x, y) in train.Concat(val))
            {
                x.Dispose();
                y.Dispose();
            }

            if (output is not null)
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static (double[] Train, double[] Val) Train(string impl, TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model,
        List<(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)> train, List<(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)> val, Settings s, string? output) =>
        impl switch
        {
            "manual" => ManualLoop.Train(model, train, val, s),
#if WITH_TRAINER
            "trainer" => TrainerLoop.Train(model, train, val, s, output),
#else
            "trainer" => throw new NotSupportedException("Built with -p:WithTrainer=false: only --impl manual is available."),
#endif
            _ => throw new ArgumentException($"--impl must be 'trainer' or 'manual', not '{impl}'"),
        };

    /// <summary>Peak resident set size from /proc (Linux), in bytes; null elsewhere.</summary>
    private static long? ReadProcStatus(string key)
    {
        const string file = "/proc/self/status";
        if (!File.Exists(file))
        {
            return null;
        }

        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                var kb = line[(key.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    // ------------------------------------------------------------------ the comparison (driver)

    private static int Compare(Options o)
    {
        var runs = new List<RunResult>();
        Console.WriteLine($"trainer-overhead: {o.Pairs} alternating pairs, settings {JsonSerializer.Serialize(o.Settings)}");
        var loadBefore = LoadAverage();
        if (loadBefore > Environment.ProcessorCount)
        {
            Console.WriteLine($"warning: load average {loadBefore:0.0} on {Environment.ProcessorCount} cores: wall times will be noisy; the CPU-time ratio is steadier.");
        }

        for (var pair = 0; pair < o.Pairs; pair++)
        {
            string[] order = pair % 2 == 0 ? ["manual", "trainer"] : ["trainer", "manual"];
            foreach (var impl in order)
            {
                var r = Spawn(impl, o.Settings);
                if (r is null)
                {
                    return 1;
                }

                runs.Add(r);
                Console.WriteLine($"  pair {pair + 1}: {impl,-7} {r.Seconds,8:0.000} s wall {r.CpuSeconds,8:0.000} s CPU  peak RSS {Mib(r.PeakRssBytes ?? r.PeakWorkingSetBytes),7:0.0} MiB");
            }
        }

        var manual = runs.Where(r => r.Impl == "manual").ToList();
        var trainer = runs.Where(r => r.Impl == "trainer").ToList();
        var ratios = manual.Zip(trainer, (m, t) => t.Seconds / m.Seconds).ToList();
        var medianRatio = Median(ratios);
        var cpuRatios = manual.Zip(trainer, (m, t) => t.CpuSeconds / m.CpuSeconds).ToList();
        var reference = manual[0];
        var identical = runs.All(r => r.TrainLoss.SequenceEqual(reference.TrainLoss) && SameWithNaN(r.ValLoss, reference.ValLoss));
        var deterministic = manual.All(r => r.TrainLoss.SequenceEqual(reference.TrainLoss));

        var summary = new Summary(
            o.Settings,
            o.Pairs,
            Median(manual.Select(r => r.Seconds)),
            Median(trainer.Select(r => r.Seconds)),
            ratios,
            medianRatio,
            Median(cpuRatios),
            LoadAverage(),
            o.Goal,
            medianRatio <= o.Goal,
            identical,
            deterministic,
            reference.TrainLoss,
            trainer[0].TrainLoss,
            Median(manual.Select(r => (double)(r.PeakRssBytes ?? r.PeakWorkingSetBytes))),
            Median(trainer.Select(r => (double)(r.PeakRssBytes ?? r.PeakWorkingSetBytes))));

        Console.WriteLine();
        Console.WriteLine($"median wall time: manual {summary.ManualMedianSeconds:0.000} s, trainer {summary.TrainerMedianSeconds:0.000} s");
        Console.WriteLine($"median ratio trainer/manual: {medianRatio:0.0000} (per pair: {string.Join(", ", ratios.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))}); goal <= {o.Goal:0.00}: {(summary.GoalMet ? "met" : "NOT met")}");
        Console.WriteLine($"median CPU-time ratio trainer/manual: {summary.MedianCpuRatio:0.0000} (per pair: {string.Join(", ", cpuRatios.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))})");
        Console.WriteLine($"per-epoch losses identical: {(identical ? "yes" : "NO")} (hand-written loop deterministic across runs: {(deterministic ? "yes" : "NO")})");
        if (!identical)
        {
            Console.WriteLine($"  manual  train/loss: {string.Join(", ", reference.TrainLoss.Select(R))}");
            Console.WriteLine($"  trainer train/loss: {string.Join(", ", trainer[0].TrainLoss.Select(R))}");
            Console.WriteLine($"  manual  val/loss:   {string.Join(", ", reference.ValLoss.Select(R))}");
            Console.WriteLine($"  trainer val/loss:   {string.Join(", ", trainer[0].ValLoss.Select(R))}");
        }

        Console.WriteLine($"median peak RSS: manual {Mib(summary.ManualPeakRssBytes):0.0} MiB, trainer {Mib(summary.TrainerPeakRssBytes):0.0} MiB (ratio {summary.TrainerPeakRssBytes / summary.ManualPeakRssBytes:0.000})");
        if (o.JsonPath is { } path)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(new { summary, runs }, Json));
            Console.WriteLine($"wrote {path}");
        }

        return !identical ? 2 : o.EnforceGoal && !summary.GoalMet ? 3 : 0;
    }

    private static RunResult? Spawn(string impl, Settings s)
    {
        var self = typeof(Program).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(self);
        }

        foreach (var a in new[] { "run", "--impl", impl }.Concat(s.ToArgs()))
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            Console.Error.WriteLine($"the {impl} run failed (exit code {child.ExitCode}):");
            Console.Error.WriteLine(stdout);
            Console.Error.WriteLine(stderr.Result);
            return null;
        }

        return JsonSerializer.Deserialize<RunResult>(line[ResultPrefix.Length..]);
    }

    /// <summary>The 1-minute load average (Linux), or 0 where there is none.</summary>
    private static double LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg")
                ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
                : 0;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return 0;
        }
    }

    private static bool SameWithNaN(double[] a, double[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => p.First.Equals(p.Second)); // double.Equals treats NaN == NaN

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static double Mib(double bytes) => bytes / (1024 * 1024);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // ------------------------------------------------------------------ command line

    private sealed record Options(Settings Settings, string? Impl, int Pairs, double Goal, bool EnforceGoal, string? JsonPath);

    private static (string Command, Options Options) Parse(string[] args)
    {
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "compare";
        var s = new Settings();
        string? impl = null, json = null;
        int pairs = 7;
        double goal = 1.03;
        var enforce = false;
        for (var i = command == "compare" && (args.Length == 0 || args[0].StartsWith('-')) ? 0 : 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Dbl() => double.Parse(Next(), CultureInfo.InvariantCulture);
            s = args[i] switch
            {
                "--epochs" => s with { Epochs = Int() },
                "--samples" => s with { Samples = Int() },
                "--val-samples" => s with { ValSamples = Int() },
                "--batch" => s with { BatchSize = Int() },
                "--features" => s with { Features = Int() },
                "--hidden" => s with { Hidden = Int() },
                "--classes" => s with { Classes = Int() },
                "--lr" => s with { LearningRate = Dbl() },
                "--weight-decay" => s with { WeightDecay = Dbl() },
                "--seed" => s with { Seed = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--threads" => s with { Threads = Int() },
                "--log-interval" => s with { LogIntervalSteps = Int() },
                "--warmup-batches" => s with { WarmupBatches = Int() },
                "--with-sinks" => s with { WithSinks = true },
                "--impl" => Set(ref impl, Next(), s),
                "--pairs" => Set(ref pairs, Int(), s),
                "--goal" => Set(ref goal, Dbl(), s),
                "--enforce-goal" => Set(ref enforce, true, s),
                "--json" => Set(ref json, Next(), s),
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }

        if (command == "run" && impl is null)
        {
            throw new ArgumentException("run needs --impl trainer|manual");
        }

        if (pairs < 1)
        {
            throw new ArgumentException("--pairs must be at least 1");
        }

        return (command, new Options(s, impl, pairs, goal, enforce, json));

        static Settings Set<T>(ref T field, T value, Settings s)
        {
            field = value;
            return s;
        }
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine($"error: {error}");
        Console.Error.WriteLine("""
            usage: TrainerOverhead [compare] [--pairs 7] [--goal 1.03] [--enforce-goal] [--json out.json] [workload options]
                   TrainerOverhead run --impl trainer|manual [workload options]
            workload options: --epochs 5 --samples 8192 --val-samples 2048 --batch 64 --features 128 --hidden 256
                              --classes 10 --lr 0.001 --weight-decay 0.01 --seed 42 --threads 1 --log-interval 50
                              --warmup-batches 20 --with-sinks
            """);
        return 64;
    }
}

/// <summary>One child's measurement.</summary>
internal sealed record RunResult(string Impl, double Seconds, double CpuSeconds, double[] TrainLoss, double[] ValLoss, long PeakWorkingSetBytes, long? PeakRssBytes);

/// <summary>What <c>compare</c> reports.</summary>
internal sealed record Summary(
    Settings Settings,
    int Pairs,
    double ManualMedianSeconds,
    double TrainerMedianSeconds,
    List<double> Ratios,
    double MedianRatio,
    double MedianCpuRatio,
    double LoadAverageAtEnd,
    double Goal,
    bool GoalMet,
    bool LossesIdentical,
    bool ManualDeterministic,
    double[] ManualTrainLoss,
    double[] TrainerTrainLoss,
    double ManualPeakRssBytes,
    double TrainerPeakRssBytes);
