using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace TorchTrainer.Tests.Package;

/// <summary>
/// The analyzers and code fixes as a package consumer gets them: a fresh console app references the packed
/// TorchTrainer from a local folder feed, and the real SDK tools run on it. <c>dotnet build</c> reports
/// TRN0001-TRN0003 as warnings with file and line and succeeds; strict mode fails it with TRN0001/TRN0002
/// errors; <c>-p:ErrorLog</c> writes them to SARIF 2.1 with rule ids and help links; and
/// <c>dotnet format analyzers</c> rewrites the code to the modern API, after which the build is clean and the
/// program prints the same numbers.
/// </summary>
[Trait("Category", "Package")]
[Collection(PackageCollection.Name)]
public sealed partial class AnalyzerPackageTests(PackedPackage package, ITestOutputHelper log)
{
    // Each flagged use sits on its own line, so the expected diagnostics can be located by their text.
    private const string Program = """
        using System.Globalization;
        using TorchTrainer;

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var metrics = MetricsSummary.FromRows(
        [
            new Dictionary<string, double> { ["epoch"] = 1, ["train/loss"] = 2.91, ["val/loss"] = 3.02 },
            new Dictionary<string, double> { ["epoch"] = 2, ["train/loss"] = 2.50, ["val/loss"] = 2.61 },
        ]);
        var results = TrainingResults.FromMetrics(metrics);

        Console.WriteLine($"final train loss: {results.LossHistory[^1]:F4}");
        Console.WriteLine($"val losses: {string.Join(", ", results.ValLossHistory)}");
        var history = (IReadOnlyList<double>)results["loss_history"];
        Console.WriteLine($"epochs: {history.Count}, first loss: {history[0]:F4}");
        Console.WriteLine(metrics.TryGetColumn("val-loss", out var column)
            ? $"column: {string.Join(", ", column)}"
            : "column: missing");
        """;

    /// <summary>(text on the flagged line, the flagged token, id), in source order.</summary>
    private static readonly (string Line, string Token, string Id)[] Expected =
    [
        ("results.LossHistory[^1]", "LossHistory", "TRN0001"),
        ("results.ValLossHistory)", "ValLossHistory", "TRN0001"),
        ("results[\"loss_history\"]", "\"loss_history\"", "TRN0002"),
        ("TryGetColumn(\"val-loss\"", "\"val-loss\"", "TRN0003"),
    ];

    [Fact]
    public void Package_consumer_gets_warnings_strict_errors_SARIF_and_dotnet_format_fixes()
    {
        Assert.Equal(
            [
                "analyzers/dotnet/cs/TorchTrainer.Analyzers.CodeFixes.dll",
                "analyzers/dotnet/cs/TorchTrainer.Analyzers.dll",
                "buildTransitive/ElfWeakVersionTask.cs",
                "buildTransitive/TorchSharpNativeFix.targets",
                "buildTransitive/TorchTrainer.props",
                "buildTransitive/TorchTrainer.targets",
                "lib/net8.0/TorchTrainer.dll",
                "lib/net8.0/TorchTrainer.xml",
            ],
            package.Entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("analyzers/", StringComparison.Ordinal) || e.StartsWith("buildTransitive/", StringComparison.Ordinal)));
        log.WriteLine($"pack (once for the package tests): {package.PackTime.TotalSeconds:F1} s");

        var app = package.CreateConsumer("analyzer-consumer", Program);
        var programPath = Path.Combine(app, "Program.cs");
        var dll = Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll");
        var sarif = Path.Combine(app, "build.sarif");
        var expected = Expected.Select(e => Locate(e.Line, e.Token, e.Id)).ToArray();

        // 1. Default build: the three rules as warnings at their file:line:column, the build succeeds; SARIF 2.1 on the side.
        var build = Step(app, "build", "-c", "Release", $"-p:ErrorLog={sarif}%2Cversion=2.1");
        Assert.Equal(expected.Select(e => e with { Severity = "warning" }), Diagnostics(build));
        Assert.Contains("'LossHistory' is a legacy member, removed in TorchTrainer 5.0: use 'FinalLoss'", build.StdOut);
        Assert.Contains("Key 'loss_history' is a legacy key, removed in TorchTrainer 5.0: use 'MetricsSummary.TrainLoss'", build.StdOut);
        Assert.Contains("'val-loss' is not a standard metrics column: did you mean 'val/loss'?", build.StdOut);
        AssertSarif(sarif, expected);

        var before = Step(app, "exec", dll);
        Assert.Contains("final train loss: 2.5000", before.StdOut);
        Assert.Contains("column: missing", before.StdOut);

        // 2. Strict mode: TRN0001/TRN0002 become errors and fail the build; TRN0003 stays a warning.
        var strict = Step(app, ["build", "-c", "Release", "--no-restore", "-p:TorchTrainerStrictLegacyApi=true"], expectSuccess: false);
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Equal(expected.Select(e => e with { Severity = e.Id == "TRN0003" ? "warning" : "error" }), Diagnostics(strict));

        // 3. dotnet format applies the code fixes: the modern API, and nothing left to report.
        Step(app, "format", "analyzers", "Consumer.csproj", "--no-restore", "--diagnostics", "TRN0001", "TRN0002", "TRN0003", "--severity", "info");
        var fixedProgram = File.ReadAllText(programPath);
        log.WriteLine("--- Program.cs after dotnet format ---" + Environment.NewLine + fixedProgram);
        Assert.Contains("{results.FinalLoss:F4}", fixedProgram);
        Assert.Contains("string.Join(\", \", results.MetricsSummary.ValLoss)", fixedProgram);
        Assert.Contains("(IReadOnlyList<double>)results.MetricsSummary.TrainLoss;", fixedProgram);
        Assert.Contains("TryGetColumn(\"val/loss\", out var column)", fixedProgram);
        Assert.DoesNotContain("LossHistory", fixedProgram);
        Assert.DoesNotContain("loss_history", fixedProgram);

        var rebuild = Step(app, "build", "-c", "Release", "--no-restore");
        Assert.Empty(Diagnostics(rebuild));
        var after = Step(app, "exec", dll);

        // The same numbers; only TRN0003's line changes, on purpose: the corrected column name now finds the column.
        Assert.Equal(NumberLines(before.StdOut), NumberLines(after.StdOut));
        Assert.Contains("column: 3.02, 2.61", after.StdOut);
        Assert.Contains("TrainingResults.LossHistory is deprecated", before.StdErr);
        Assert.DoesNotContain("deprecated", after.StdErr);
    }

    private ProcessResult Step(string app, params string[] args) => Step(app, args, expectSuccess: true);

    private ProcessResult Step(string app, string[] args, bool expectSuccess)
    {
        var result = package.Run(app, args, expectSuccess);
        log.WriteLine($"dotnet {string.Join(' ', args.Take(2))}: {result.Elapsed.TotalSeconds:F1} s, exit {result.ExitCode}");
        return result;
    }

    private static Diagnostic Locate(string lineText, string token, string id)
    {
        var lines = Program.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(lineText, StringComparison.Ordinal));
        Assert.True(index >= 0 && Array.FindLastIndex(lines, l => l.Contains(lineText, StringComparison.Ordinal)) == index, lineText);
        return new Diagnostic("Program.cs", index + 1, lines[index].IndexOf(token, StringComparison.Ordinal) + 1, "warning", id);
    }

    /// <summary>The distinct TRN diagnostics of a build's console output, in line order (MSBuild repeats them in its summary).</summary>
    private static Diagnostic[] Diagnostics(ProcessResult build) =>
        DiagnosticLine().Matches(build.StdOut)
            .Select(m => new Diagnostic(Path.GetFileName(m.Groups["file"].Value), int.Parse(m.Groups["line"].Value), int.Parse(m.Groups["column"].Value), m.Groups["severity"].Value, m.Groups["id"].Value))
            .Distinct()
            .OrderBy(d => d.Line).ThenBy(d => d.Column)
            .ToArray();

    private static void AssertSarif(string path, Diagnostic[] expected)
    {
        using var sarif = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var run = Assert.Single(sarif.RootElement.GetProperty("runs").EnumerateArray());

        var results = run.GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("ruleId").GetString()!.StartsWith("TRN", StringComparison.Ordinal))
            .Select(r =>
            {
                var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
                var region = location.GetProperty("region");
                Assert.EndsWith("/Program.cs", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
                return new Diagnostic("Program.cs", region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32(),
                    r.GetProperty("level").GetString()!, r.GetProperty("ruleId").GetString()!);
            })
            .OrderBy(d => d.Line).ThenBy(d => d.Column);
        Assert.Equal(expected, results);

        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Where(r => r.GetProperty("id").GetString()!.StartsWith("TRN", StringComparison.Ordinal))
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("helpUri").GetString());
        foreach (var id in new[] { "TRN0001", "TRN0002", "TRN0003" })
        {
            Assert.True(rules.TryGetValue(id, out var helpUri), $"SARIF has no rule {id}");
            Assert.Equal($"https://github.com/torchtrainer/torchtrainer/blob/main/docs/rules/{id}.md", helpUri);
        }
    }

    [Fact]
    public void Package_metadata_names_the_repository_the_help_links_point_into_and_carries_the_readme()
    {
        using var nupkg = System.IO.Compression.ZipFile.OpenRead(package.PackagePath);
        using var reader = new StreamReader(nupkg.GetEntry("TorchTrainer.nuspec")!.Open());
        var nuspec = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd()).Root!;
        var ns = nuspec.Name.Namespace;
        var metadata = nuspec.Element(ns + "metadata")!;
        Assert.Equal("https://github.com/torchtrainer/torchtrainer", metadata.Element(ns + "repository")?.Attribute("url")?.Value);
        Assert.Equal("https://github.com/torchtrainer/torchtrainer", metadata.Element(ns + "projectUrl")?.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.NotNull(nupkg.GetEntry("README.md"));
    }

    private static string[] NumberLines(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("column:", StringComparison.Ordinal))
            .ToArray();

    [GeneratedRegex(@"(?<file>[^\s:]+\.cs)\((?<line>\d+),(?<column>\d+)\): (?<severity>warning|error) (?<id>TRN\d{4}):")]
    private static partial Regex DiagnosticLine();

    private sealed record Diagnostic(string File, int Line, int Column, string Severity, string Id);
}
