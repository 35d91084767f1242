using System.Diagnostics;
using System.Text.RegularExpressions;
using TorchTrainer.Migrate.Cli;
using TorchTrainer.Tests.Package;
using TorchTrainer.TestSupport;
using Xunit.Abstractions;

namespace TorchTrainer.Migrate.Tests.RealAnalyzers;

/// <summary>
/// Issue 12 end to end with the real fixes and the packed TorchTrainer package: notebooks of the shapes found in the
/// wild become file-based apps that build and run with <c>dotnet run</c>, print what the cells printed and what the
/// kernel displayed (plain text as measured on Microsoft.dotnet-interactive 1.0.712001), hold no legacy use
/// (<c>--check</c> on the app passes), and converting again changes nothing.
/// </summary>
[Trait("Category", "Package")]
[Collection(PackageCollection.Name)]
public sealed class ToFileBasedAppTests(PackedPackage package, ITestOutputHelper log)
{
    private const string Rows = """
        MetricsSummary.FromRows(new[]
        {
            new Dictionary<string, double> { ["epoch"] = 1, ["train/loss"] = 2.91, ["val/loss"] = 3.02 },
            new Dictionary<string, double> { ["epoch"] = 2, ["train/loss"] = 2.50, ["val/loss"] = 2.61 },
        })
        """;

    [Fact]
    public async Task Wild_ipynb_becomes_an_app_that_runs_and_prints_what_the_cells_printed_and_displayed()
    {
        var dir = package.CreateFolder("wild-" + Guid.NewGuid().ToString("N")[..8]);
        // The folder's nuget.config lacks the local feed: the notebook's own #i brings it, as it did for the kernel.
        package.WriteNuGetConfig(dir);
        var config = Path.Combine(dir, "nuget.config");
        File.WriteAllLines(config, File.ReadAllLines(config).Where(l => !l.Contains("key=\"test-feed\"", StringComparison.Ordinal)));
        var notebook = ToFileBasedTests.Ipynb(
            ("markdown", "# Wild report\n\nThe v3 way, in a code block:\n\n```csharp\nvar last = results.LossHistory[^1];\n```"),
            ("csharp", $$"""
                #i "nuget: {{package.Feed}}"
                #r "nuget: TorchTrainer, {{package.Version}}"
                #r "nuget: Newtonsoft.Json, 13.0.*"
                #r "nuget: DiffPlex, [1.9.0,2.0)"
                using TorchTrainer;
                var results = TrainingResults.FromMetrics({{Rows}});
                Console.WriteLine($"final: {results.LossHistory[^1]:F4}");
                """),
            ("csharp", """
                using Newtonsoft.Json;
                Console.WriteLine(JsonConvert.SerializeObject(results.ValLossHistory));
                results.LossHistory.Count
                """),
            ("csharp", """
                display(results.ValLossHistory[^1]);
                results.FinalLoss.Display();
                display(new[] { 0.5, 1e-7 });
                "done"
                """),
            ("csharp", """
                #!time
                var diff = DiffPlex.Differ.Instance.CreateLineDiffs("a\nb", "a\nc", false);
                Console.WriteLine($"diff blocks: {diff.DiffBlocks.Count}");
                """),
            ("pwsh", "Write-Host $results"),
            ("csharp", "#!fsharp\nprintfn \"%d\" 1"),
            ("csharp", "Console.WriteLine(\"bye\")"));
        var notebookPath = Path.Combine(dir, "wild.ipynb");
        File.WriteAllText(notebookPath, notebook);

        var convert = await Tool(dir, "--to-file-based", "wild.ipynb");

        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Contains("left out: cell 6 (PowerShell), cell 7 (F#)", convert.Output);
        Assert.Equal(notebook, File.ReadAllText(notebookPath));
        var appPath = Path.Combine(dir, "wild.cs");
        var app = File.ReadAllText(appPath);
        Assert.Contains($"#:package TorchTrainer@{package.Version}\n", app);
        Assert.Contains("#:package Newtonsoft.Json@13.0.*\n", app);
        Assert.Contains("#:package DiffPlex@[1.9.0,2.0)\n", app);
        Assert.Contains($"#:property RestoreAdditionalProjectSources={package.Feed}\n", app);
        Assert.True(app.IndexOf("using Newtonsoft.Json;", StringComparison.Ordinal) < app.IndexOf("var results", StringComparison.Ordinal), app);
        Assert.Contains("// ```csharp\n// var last = results.LossHistory[^1];\n// ```\n", app);   // markdown kept, as a comment
        Assert.DoesNotContain(CodeLines(app), l => l.Contains("LossHistory", StringComparison.Ordinal));

        var run = package.Run(dir, "run", "wild.cs");
        log.WriteLine(run.StdOut);
        var lines = ProgramLines(run.StdOut);
        Assert.Equal(["final: 2.5000", "[3.02,2.61]", "2", "2.61", "2.5", "[ 0.5, 1E-07 ]", "done", "diff blocks: 1"], lines[..8]);
        Assert.Matches(@"^Wall time: \d+(\.\d+)?ms$", lines[8]);
        Assert.Equal(["bye"], lines[9..]);
        Assert.DoesNotContain("deprecated", run.StdErr);

        var check = await Tool(dir, "--check", "wild.cs");
        Assert.True(check.ExitCode == 0, check.ToString());
        var again = await Tool(dir, "--to-file-based", "wild.ipynb");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("1 already converted", again.Output);
        Assert.Equal(app, File.ReadAllText(appPath));
        var forced = await Tool(dir, "--to-file-based", "--force", "wild.ipynb");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(app, File.ReadAllText(appPath));
    }

    [Fact]
    public async Task Dib_with_meta_becomes_an_app_that_runs_with_the_legacy_uses_fixed()
    {
        var dir = package.CreateFolder("dib-" + Guid.NewGuid().ToString("N")[..8]);
        package.WriteNuGetConfig(dir);
        var dib = $$$"""
            #!meta

            {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

            #!markdown

            # Epochs

            #!csharp

            #r "nuget: TorchTrainer, {{{package.Version}}}"
            using TorchTrainer;
            var results = TrainingResults.FromMetrics({{{Rows}}});

            #!csharp

            var train = (IReadOnlyList<double>)results["loss_history"];
            Console.WriteLine($"epochs: {train.Count}, first: {train[0]:F2}");
            results.ValLossHistory

            """;
        File.WriteAllText(Path.Combine(dir, "epochs.dib"), dib);

        var convert = await Tool(dir, "--to-file-based", "epochs.dib");

        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Contains("TRN0001 × 1", convert.Output);
        Assert.Contains("TRN0002 × 1", convert.Output);
        var app = File.ReadAllText(Path.Combine(dir, "epochs.cs"));
        Assert.Contains("var train = (IReadOnlyList<double>)results.MetricsSummary.TrainLoss;", app);
        Assert.Contains("display(results.MetricsSummary.ValLoss);", app);
        Assert.DoesNotContain("kernelInfo", app);
        var run = package.Run(dir, "run", "epochs.cs");
        Assert.Equal(["epochs: 2, first: 2.91", "[ 3.02, 2.61 ]"], ProgramLines(run.StdOut));
    }

    [Fact]
    public async Task An_imported_CSharp_file_becomes_an_include_and_the_app_written_elsewhere_runs_and_is_checked_with_it()
    {
        // As Semantic Kernel's notebooks do (#!import config/Settings.cs): the kernel runs the file's types as a
        // submission; the app includes the file (#:include, SDK 10.0.300+) by a path relative to where it is written.
        var dir = package.CreateFolder("import-" + Guid.NewGuid().ToString("N")[..8]);
        package.WriteNuGetConfig(dir);
        Directory.CreateDirectory(Path.Combine(dir, "nb", "lib"));
        File.WriteAllText(Path.Combine(dir, "nb", "lib", "Report.cs"), """
            using TorchTrainer;

            public static class Report
            {
                public static string Last(TrainingResults r) => $"last: {r.LossHistory[^1]:F2}";
            }

            """);
        File.WriteAllText(Path.Combine(dir, "nb", "report.ipynb"), ToFileBasedTests.Ipynb(
            ("csharp", $"#r \"nuget: TorchTrainer, {package.Version}\"\n#!import lib/Report.cs"),
            ("csharp", $"using TorchTrainer;\nvar results = TrainingResults.FromMetrics({Rows});\nConsole.WriteLine(Report.Last(results));")));

        var convert = await Tool(dir, "--to-file-based", "nb/report.ipynb", "--out", "apps");

        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Contains("note: cell 1: #!import lib/Report.cs → #:include ../nb/lib/Report.cs", convert.Output);
        var app = File.ReadAllText(Path.Combine(dir, "apps", "report.cs"));
        Assert.Contains("\n#:include ../nb/lib/Report.cs\n", app);
        Assert.Equal(["last: 2.50"], ProgramLines(package.Run(Path.Combine(dir, "apps"), "run", "report.cs").StdOut));

        // The app and the file it includes are checked together: the legacy read in Report.cs is found there.
        var check = await Tool(dir, "--check", "apps/report.cs");
        Assert.True(check.ExitCode == 2, check.ToString()); // found (1), and the included file is outside the app's folder (2)
        Assert.Contains("1 legacy use(s) found", check.Output);
    }

    [Fact]
    public async Task TrainingReport_sample_converts_to_an_app_that_prints_the_final_metrics_through_the_v4_api()
    {
        var dir = package.CreateFolder("report-" + Guid.NewGuid().ToString("N")[..8]);
        package.WriteNuGetConfig(dir);
        var sample = File.ReadAllText(Path.Combine(Repository.Root, "src", "Samples", "TrainingReport", "TrainingReport.ipynb"));
        Assert.Contains("#r \\\"nuget: TorchTrainer, 4.0.0\\\"", sample);
        File.WriteAllText(Path.Combine(dir, "TrainingReport.ipynb"), sample.Replace("TorchTrainer, 4.0.0", $"TorchTrainer, {package.Version}", StringComparison.Ordinal));
        // A run as the LegacyTraining sample leaves it: results.json (schema 4) and the loss curve beside it.
        var run = Directory.CreateDirectory(Path.Combine(dir, "runs", "legacy-training")).FullName;
        File.WriteAllText(Path.Combine(run, "results.json"), """
            {
              "schema_version": 4,
              "metrics_summary": { "columns": ["epoch", "train/loss", "val/loss"], "rows": [[1, 2.91, 3.02], [2, 2.50, 2.61], [3, 2.20, 2.65]] },
              "final_loss": 2.20, "final_val_loss": 2.65, "perplexity": 14.154, "best_epoch": 2,
              "training_time_s": 12.5, "best_checkpoint": null,
              "loss_history": [2.91, 2.50, 2.20], "val_loss_history": [3.02, 2.61, 2.65],
              "deprecated_keys": ["loss_history", "val_loss_history"]
            }
            """);
        File.WriteAllBytes(Path.Combine(run, "loss_curve.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var convert = await Tool(dir, "--to-file-based", "TrainingReport.ipynb");

        Assert.True(convert.ExitCode == 0, convert.ToString());
        var app = File.ReadAllText(Path.Combine(dir, "TrainingReport.cs"));
        Assert.Contains("results.FinalLoss:F4", app);
        Assert.DoesNotContain(CodeLines(app), l => l.Contains("LossHistory", StringComparison.Ordinal));
        var report = package.Run(dir, "run", "TrainingReport.cs");
        var lines = ProgramLines(report.StdOut);
        Assert.Equal("3", lines[0]);
        Assert.Matches(@"^Wall time: \d+(\.\d+)?ms$", lines[1]);
        Assert.Equal(
            [
                "📊 Final Metrics:", "   Train Loss: 2.2000", "   Val Loss: 2.6500", "   Perplexity: 14.15", "   Best Epoch: 2",
                $"Loss curve: {Path.Combine(run, "loss_curve.png")}", "Trained for 12.5 s", "True",
            ],
            lines[2..]);
        Assert.DoesNotContain("deprecated", report.StdErr);
    }

    /// <summary>The app's lines that are code, not comments.</summary>
    private static IEnumerable<string> CodeLines(string app) => app.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal));

    /// <summary>What the program printed: dotnet run puts the build's warnings before it.</summary>
    private static string[] ProgramLines(string stdout) =>
        stdout.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Where(l => l.Length > 0 && !Regex.IsMatch(l, @": warning [A-Z]+\d+"))
            .ToArray();

    private async Task<ToolRun> Tool(string currentDirectory, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await MigrateCommand.RunAsync(args, output, error, analyzers: null, currentDirectory, CancellationToken.None);
        var run = new ToolRun(exit, output.ToString(), error.ToString());
        log.WriteLine($"trainer-migrate {string.Join(' ', args)}: exit {exit}, {clock.Elapsed.TotalSeconds:F1} s");
        log.WriteLine(run.ToString());
        return run;
    }
}
