// The analyzer benchmark's helper, a C# file-based app (run.sh runs it with `dotnet run AnalyzerBench.cs -- ...`):
//
//   generate OUT --files 1000 --lines 50 --torchtrainer VERSION|none [--analyzers DIR] [--no-legacy] [--report-only DIR]
//       writes OUT/Bench.csproj and OUT/src/*.cs: FILES C# files of LINES lines each, one of which reads the
//       TorchTrainer results (so 1/LINES of the lines: 2% at 50), legacy in every other file (--no-legacy: the
//       same files as migrated, every use written the modern way). With
//       --torchtrainer none the project references no TorchTrainer: the same files then compile against
//       look-alike types in another namespace, and --analyzers DIR adds the TorchTrainer analyzer assemblies
//       from DIR anyway, to show what they cost a project that does not use TorchTrainer. --report-only DIR
//       (the control) keeps the package but not its analyzers (ExcludeAssets="analyzers") and adds
//       DIR/Bench.ReportOnly.dll, which reports a plain BENCH0001 where TRN0001/TRN0002 report and does nothing else.
//   report LABEL=LOG ...
//       reads detailed build logs (ReportAnalyzer=true, PerformanceSummary) and prints, per label, the Csc task
//       time, the total analyzer time, the TorchTrainer analyzers' time and share, and the TRN diagnostics.
//       Several logs with the same label are several runs: medians are printed.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return args.FirstOrDefault() switch
{
    "generate" => Generator.Run(args[1..]),
    "report" => Report.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: AnalyzerBench.cs generate OUT --files N --lines N --torchtrainer VERSION|none [--analyzers DIR]");
    Console.Error.WriteLine("       AnalyzerBench.cs report LABEL=LOG [LABEL=LOG ...]");
    return 2;
}

static class Generator
{
    // One line per file reads the results; legacy in even files (TRN0001 member, TRN0002 key), modern in odd ones
    // (including a standard column literal, which TRN0003 inspects but does not flag).
    private static readonly string[] Legacy =
    [
        "total += Shared.Results.LossHistory[^1];",
        "total += Shared.Results.ValLossHistory.Count;",
        "total += ((IReadOnlyList<double>)Shared.Results[\"loss_history\"]).Count;",
        "total += Shared.Results.LossHistory.Last();",
    ];

    private static readonly string[] Modern =
    [
        "total += Shared.Results.FinalLoss;",
        "total += Shared.Results.MetricsSummary.ValLoss.Count;",
        "total += Shared.Results.MetricsSummary[\"train/loss\"].Count;",
        "total += Shared.Results.FinalValLoss ?? 0;",
    ];

    public static int Run(string[] args)
    {
        var output = Path.GetFullPath(args[0]);
        var files = int.Parse(Option(args, "--files", "1000"));
        var lines = int.Parse(Option(args, "--lines", "50"));
        var torchTrainer = Option(args, "--torchtrainer", "none");
        var analyzers = Option(args, "--analyzers", "");
        var with = torchTrainer != "none";
        var noLegacy = args.Contains("--no-legacy");
        var reportOnly = Option(args, "--report-only", "");

        var source = Directory.CreateDirectory(Path.Combine(output, "src")).FullName;
        File.WriteAllText(Path.Combine(output, "Bench.csproj"), Project(with ? torchTrainer : null, analyzers, reportOnly));
        File.WriteAllText(Path.Combine(source, "Shared.cs"), Shared(with));

        var usesTotal = 0;
        var legacyTotal = 0;
        var linesTotal = 0;
        for (var i = 0; i < files; i++)
        {
            var text = SourceFile(i, lines, with, noLegacy, out var legacy);
            File.WriteAllText(Path.Combine(source, $"Report{i:D4}.cs"), text);
            linesTotal += lines;
            usesTotal++;
            legacyTotal += legacy ? 1 : 0;
        }

        Console.WriteLine($"generated {output}: {files} files x {lines} lines = {linesTotal} lines; {usesTotal} read " + (with ? "TorchTrainer" : "look-alike") + " results " +
            $"({100.0 * usesTotal / linesTotal:F1}% of lines), {legacyTotal} of them legacy; " +
            (with ? $"TorchTrainer {torchTrainer}" : "no TorchTrainer reference") +
            (analyzers.Length > 0 ? $", TorchTrainer analyzers from {analyzers}" : ""));
        return 0;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    private static string Project(string? version, string analyzers, string reportOnly)
    {
        var references = new StringBuilder();
        if (version is not null)
        {
            references.AppendLine(reportOnly.Length > 0
                ? $"""    <PackageReference Include="TorchTrainer" Version="{version}" ExcludeAssets="analyzers" />"""
                : $"""    <PackageReference Include="TorchTrainer" Version="{version}" />""");
        }

        if (reportOnly.Length > 0)
        {
            references.AppendLine($"""    <Analyzer Include="{reportOnly}/Bench.ReportOnly.dll" />""");
        }

        if (analyzers.Length > 0)
        {
            references.AppendLine($"""    <Analyzer Include="{analyzers}/TorchTrainer.Analyzers.dll" />""");
            references.AppendLine($"""    <Analyzer Include="{analyzers}/TorchTrainer.Analyzers.CodeFixes.dll" />""");
        }

        // The package adds its analyzers from its build files too, so ExcludeAssets alone does not drop them.
        var removePackageAnalyzers = reportOnly.Length == 0 ? "" : """
              <Target Name="BenchRemoveTorchTrainerAnalyzers" BeforeTargets="CoreCompile">
                <ItemGroup>
                  <Analyzer Remove="@(Analyzer)" Condition="'%(Filename)' == 'TorchTrainer.Analyzers' or '%(Filename)' == 'TorchTrainer.Analyzers.CodeFixes'" />
                </ItemGroup>
              </Target>

            """;
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- Generated by build/bench/analyzers/AnalyzerBench.cs. A library: nothing is copied or run. -->
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Library</OutputType>
                <ImplicitUsings>disable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <!-- The compiler in the build process itself, no server left behind; the same for every run. -->
                <UseSharedCompilation>false</UseSharedCompilation>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            {removePackageAnalyzers}</Project>
            """;
    }

    // The results every file reads: TorchTrainer's types, or look-alikes in another namespace (which the analyzers
    // must ignore: they look for TorchTrainer.TrainingResults).
    private static string Shared(bool with) => with
        ? """
            using TorchTrainer;

            namespace Bench;

            public static class Shared
            {
                public static TrainingResults Results { get; set; } = null!;
            }
            """
        : """
            using System.Collections.Generic;

            namespace Bench.LookAlike
            {
                public sealed class MetricsSummary
                {
                    public IReadOnlyList<double> TrainLoss { get; } = new List<double>();
                    public IReadOnlyList<double> ValLoss { get; } = new List<double>();
                    public IReadOnlyList<double> this[string column] => TrainLoss;
                }

                public sealed class TrainingResults
                {
                    public MetricsSummary MetricsSummary { get; } = new();
                    public double FinalLoss => 0;
                    public double? FinalValLoss => null;
                    public IReadOnlyList<double> LossHistory => MetricsSummary.TrainLoss;
                    public IReadOnlyList<double> ValLossHistory => MetricsSummary.ValLoss;
                    public object this[string key] => LossHistory;
                }
            }

            namespace Bench
            {
                using Bench.LookAlike;

                public static class Shared
                {
                    public static TrainingResults Results { get; set; } = null!;
                }
            }
            """;

    // A file of exactly `lines` lines: ordinary code (collections, LINQ, strings, switch, records, lambdas) and one
    // line that reads the results.
    private static string SourceFile(int i, int lines, bool with, bool noLegacy, out bool legacy)
    {
        legacy = i % 2 == 0 && !noLegacy;
        var use = (legacy ? Legacy : Modern)[i / 2 % 4]; // --no-legacy: the modern lines only
        var body = new List<string>
        {
            "using System;",
            "using System.Collections.Generic;",
            "using System.Linq;",
            "using System.Text;",
            with ? "using TorchTrainer;" : "using Bench.LookAlike;",
            "",
            $"namespace Bench.Module{i / 50:D2};",
            "",
            $"public sealed record Entry{i}(string Name, int Count, double Weight);",
            "",
            $"public sealed class Report{i}",
            "{",
            "    private readonly List<double> _values = new();",
            "    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);",
            "",
            $"    public Report{i}(IEnumerable<double> values) => _values.AddRange(values);",
            "",
            "    public double Score()",
            "    {",
            "        double total = 0;",
            $"        {use}",
            "        foreach (var value in _values)",
            "        {",
            $"            total += value > {i % 7 + 1} ? Math.Sqrt(value) : value * {i % 5 + 2};",
            "        }",
            "",
            "        return total / Math.Max(1, _values.Count);",
            "    }",
            "",
            "    public string Describe(IEnumerable<Entry" + i + "> entries)",
            "    {",
            "        var text = new StringBuilder();",
            "        foreach (var entry in entries.Where(e => e.Count > 0).OrderByDescending(e => e.Weight))",
            "        {",
            "            _counts[entry.Name] = _counts.TryGetValue(entry.Name, out var seen) ? seen + entry.Count : entry.Count;",
            "            text.Append(entry.Name).Append('=').Append(entry.Weight.ToString(\"F2\")).Append(';');",
            "        }",
            "",
            "        return text.ToString();",
            "    }",
            "",
            "    public string Classify(int count) => count switch",
            "    {",
            "        0 => \"none\",",
            $"        < {i % 9 + 2} => \"few\",",
            "        _ => _counts.Keys.FirstOrDefault(k => k.Length == count) ?? \"many\",",
            "    };",
            "}",
        };
        while (body.Count < lines)
        {
            body.Add($"// filler {body.Count}");
        }

        if (body.Count > lines)
        {
            throw new ArgumentException($"--lines must be at least {body.Count}");
        }

        return string.Join('\n', body) + "\n";
    }
}

static partial class Report
{
    private sealed record Measurement(string Label, double CscSeconds, double AnalyzerSeconds, double TorchTrainerSeconds, int TrnDiagnostics, bool TorchTrainerLoaded);

    public static int Run(string[] args)
    {
        var runs = new List<Measurement>();
        foreach (var arg in args)
        {
            var split = arg.IndexOf('=');
            var label = arg[..split];
            var text = File.ReadAllText(arg[(split + 1)..]);

            // Task Performance Summary: "   12345 ms  Csc   1 calls".
            var csc = CscTask().Match(text);
            var total = TotalAnalyzerTime().Match(text);
            if (!csc.Success || !total.Success)
            {
                Console.Error.WriteLine($"{arg}: no Csc task time or no 'Total analyzer execution time' (ReportAnalyzer=true, -v:d, PerformanceSummary?)");
                return 1;
            }

            // The per-assembly rows of the ReportAnalyzer table: "   0.123   1   TorchTrainer.Analyzers, Version=...".
            var torchTrainer = AssemblyRow().Matches(text)
                .Where(m => m.Groups["name"].Value.StartsWith("TorchTrainer.Analyzers", StringComparison.Ordinal)
                    || m.Groups["name"].Value == "Bench.ReportOnly")
                .ToArray();
            var seconds = torchTrainer.Sum(m => double.Parse(m.Groups["seconds"].Value.Replace("<", "")));
            var diagnostics = TrnDiagnostic().Matches(text).Select(m => m.Value).Distinct().Count();
            runs.Add(new Measurement(label, double.Parse(csc.Groups["ms"].Value) / 1000, double.Parse(total.Groups["seconds"].Value.Replace("<", "")),
                seconds, diagnostics, torchTrainer.Length > 0));
        }

        Console.WriteLine("| project | runs | Csc task (s) | all analyzers (s) | TorchTrainer (or control) analyzers (s) | share of Csc | share of analyzer time | TRN (or BENCH) diagnostics |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var group in runs.GroupBy(r => r.Label))
        {
            var csc = Median(group.Select(r => r.CscSeconds));
            var all = Median(group.Select(r => r.AnalyzerSeconds));
            var ours = Median(group.Select(r => r.TorchTrainerSeconds));
            var loaded = group.All(r => r.TorchTrainerLoaded) ? "" : " (not loaded)";
            Console.WriteLine($"| {group.Key} | {group.Count()} | {csc:F2} | {all:F3} | {ours:F3}{loaded} | {100 * ours / csc:F2}% | {100 * ours / all:F1}% | {string.Join("/", group.Select(r => r.TrnDiagnostics).Distinct())} |");
        }

        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GeneratedRegex(@"^\s*(?<ms>\d+) ms\s+Csc\s+\d+ calls", RegexOptions.Multiline)]
    private static partial Regex CscTask();

    [GeneratedRegex(@"Total analyzer execution time: (?<seconds><?[\d.]+) seconds")]
    private static partial Regex TotalAnalyzerTime();

    [GeneratedRegex(@"^\s*(?<seconds><?[\d.]+)\s+<?\d+\s+(?<name>[\w.]+), Version=", RegexOptions.Multiline)]
    private static partial Regex AssemblyRow();

    // "1>/path/File.cs(21,33): warning TRN0001" (the "1>" is MSBuild's node prefix); MSBuild repeats each one in its summary.
    // The control's BENCH0001 counts as well.
    [GeneratedRegex(@"[^\s>]+\.cs\(\d+,\d+\): (warning|error) (TRN|BENCH)\d{4}")]
    private static partial Regex TrnDiagnostic();
}
