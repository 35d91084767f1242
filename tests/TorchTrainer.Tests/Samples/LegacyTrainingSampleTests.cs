using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TorchTrainer.Tests.Samples;

/// <summary>
/// The seed's scenario end to end: the v3-style sample trains for real (a small run), prints the
/// final-metrics block through the legacy members with the run-time deprecation warning, and
/// strict mode stops it with <see cref="LegacyApiException"/>.
/// </summary>
public sealed class LegacyTrainingSampleTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string _output = Directory.CreateTempSubdirectory("legacy-sample-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void Prints_the_final_metrics_block_through_the_legacy_api_and_warns_once_per_member()
    {
        var run = RunSample(strict: false);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"✅ Training finished in \d+\.\ds \(\d+\.\d min\)", run.Stdout);
        var trainLoss = Number(run.Stdout, @"Train Loss: (\d+\.\d{4})");
        var valLoss = Number(run.Stdout, @"Val Loss: (\d+\.\d{4})");
        var perplexity = Number(run.Stdout, @"Perplexity: (\d+\.\d{2})");
        Assert.Matches(@"Best Epoch: [12]\r?\n", run.Stdout);
        Assert.Equal(Math.Exp(valLoss), perplexity, 0.01 * perplexity);

        // The printed figures are the run's own: they match results.json, and the loss fell.
        var results = TrainingResults.Load(Path.Combine(_output, "results.json"));
        Assert.Equal(results.FinalLoss, trainLoss, 0.0001);
        Assert.Equal(results.FinalValLoss!.Value, valLoss, 0.0001);
        Assert.True(results.MetricsSummary.TrainLoss[^1] < results.MetricsSummary.TrainLoss[0], "the training loss should fall");

        Assert.Single(Regex.Matches(run.Stderr, "TrainingResults.LossHistory is deprecated"));
        Assert.Single(Regex.Matches(run.Stderr, "TrainingResults.ValLossHistory is deprecated"));
    }

    [Fact]
    public void Strict_mode_stops_the_report_with_LegacyApiException()
    {
        var run = RunSample(strict: true);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("LegacyApiException", run.Stderr);
        Assert.Contains("MetricsSummary.TrainLoss", run.Stderr);
        Assert.Contains("trainer-migrate", run.Stderr);
        Assert.DoesNotContain("Train Loss:", run.Stdout);
    }

    private static double Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:{Environment.NewLine}{text}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private SampleRun RunSample(bool strict)
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "LegacyTraining.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", sample, _output, "2", "6000" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove(StrictLegacyApi.EnvironmentVariable);
        if (strict)
        {
            start.Environment[StrictLegacyApi.EnvironmentVariable] = "1";
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The sample did not finish within {Limit}.");
        }

        return new SampleRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    private sealed record SampleRun(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}{Environment.NewLine}{Stdout}{Environment.NewLine}{Stderr}";
    }
}
