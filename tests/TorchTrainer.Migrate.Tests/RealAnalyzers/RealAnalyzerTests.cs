using System.Diagnostics;
using TorchTrainer.Tests.Package;
using Xunit.Abstractions;

namespace TorchTrainer.Migrate.Tests.RealAnalyzers;

/// <summary>
/// Issue 5's "Done when" with the real TRN0001/TRN0002 analyzers and fixes (the tool's default set, nothing injected)
/// against the packed TorchTrainer package: legacy code in a file-based app, a Polyglot notebook and a two-project
/// solution is migrated, the migrated code builds and prints what the legacy code printed, <c>--check</c> then passes,
/// a second run changes nothing, and the tool agrees with <c>dotnet format analyzers</c>. One pack for the class
/// (<see cref="PackedPackage"/>, shared as source with the package tests).
/// </summary>
[Trait("Category", "Package")]
[Collection(PackageCollection.Name)]
public sealed class RealAnalyzerTests(PackedPackage package, ITestOutputHelper log)
{
    private const string Rows = """
        MetricsSummary.FromRows(
        [
            new Dictionary<string, double> { ["epoch"] = 1, ["train/loss"] = 2.91, ["val/loss"] = 3.02 },
            new Dictionary<string, double> { ["epoch"] = 2, ["train/loss"] = 2.50, ["val/loss"] = 2.61 },
        ])
        """;

    /// <summary>The legacy reads the contract lists, one per line, and what the real fixes make of them.</summary>
    private static readonly (string Legacy, string Migrated)[] Rewrites =
    [
        ("results.LossHistory[^1]", "results.FinalLoss"),
        ("results.LossHistory.Last()", "results.FinalLoss"),
        ("results.ValLossHistory", "results.MetricsSummary.ValLoss"),
        ("results[\"loss_history\"]", "results.MetricsSummary.TrainLoss"),
    ];

    private const string Prints = """
        Console.WriteLine($"final: {results.LossHistory[^1]:F4}");
        Console.WriteLine($"last: {results.LossHistory.Last():F4}");
        Console.WriteLine($"val: {string.Join(", ", results.ValLossHistory)}");
        var history = (IReadOnlyList<double>)results["loss_history"];
        Console.WriteLine($"epochs: {history.Count}, first: {history[0]:F4}");
        """;

    private static string Migrate(string legacy) =>
        Rewrites.Aggregate(legacy, (text, r) => text.Replace(r.Legacy, r.Migrated, StringComparison.Ordinal));

    [Fact]
    public async Task File_based_app_and_notebook_are_migrated_the_app_prints_the_same_and_check_passes()
    {
        var dir = package.CreateFolder("app-" + Guid.NewGuid().ToString("N")[..8]);
        package.WriteNuGetConfig(dir);
        var app = $"""
            #:package TorchTrainer@{package.Version}
            #:property CreateHardLinksForCopyLocalIfPossible=true
            using System.Globalization;
            using TorchTrainer;

            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var results = TrainingResults.FromMetrics({Rows});
            {Prints}

            """;
        var appPath = Path.Combine(dir, "app.cs");
        File.WriteAllText(appPath, app);
        var notebook = Notebook(package.Version);
        var notebookPath = Path.Combine(dir, "report.ipynb");
        File.WriteAllText(notebookPath, notebook);

        // The legacy app runs (this restores TorchTrainer into the package folder the notebook is analysed with);
        // its deprecation warning goes to stderr, not stdout.
        var before = Dotnet(dir, "run", "app.cs");
        Assert.Contains("deprecated", before.StdErr);
        Assert.Contains("final: 2.5000", before.StdOut);

        var migrate = await Tool(dir, dir);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.DoesNotContain("not in the NuGet", migrate.Output);   // TorchTrainer resolved for both (#:package, #r nuget)
        Assert.Equal(Migrate(app), File.ReadAllText(appPath));    // directives kept byte for byte
        Assert.Equal(MigratedNotebook(notebook), File.ReadAllText(notebookPath));

        var check = await Tool(dir, "--check", appPath, notebookPath);
        Assert.True(check.ExitCode == 0, check.ToString());
        var again = await Tool(dir, dir);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 file(s) changed", again.Output);

        var after = Dotnet(dir, "run", "app.cs");
        // dotnet run prints the legacy build's warnings into stdout before the program's output (TRN0001/TRN0002; TTN0003, as
        // this app has no TorchSharp backend; CS8600 for the cast of the keyed view, typed object?): compare the program's lines.
        Assert.Contains("warning TRN0001", before.StdOut);
        Assert.Equal(ProgramLines(before.StdOut), ProgramLines(after.StdOut));
        Assert.DoesNotContain("deprecated", after.StdErr);
    }

    [Fact]
    public async Task Two_project_solution_is_migrated_builds_prints_the_same_and_matches_dotnet_format()
    {
        var root = package.CreateFolder("sln-" + Guid.NewGuid().ToString("N")[..8]);
        var solution = WriteSolution(Path.Combine(root, "tool"));
        var formatted = WriteSolution(Path.Combine(root, "format"));

        var legacyOut = BuildAndRun(solution);
        Assert.Contains("lib final: 2.5000", legacyOut.StdOut);
        Assert.Contains("deprecated", legacyOut.StdErr);

        var migrate = await Tool(solution, "Training.slnx");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("2 file(s) changed", migrate.Output);
        Assert.Equal(Migrate(LibSource), File.ReadAllText(Path.Combine(solution, "Lib", "Report.cs")));
        Assert.Equal(Migrate(AppSource), File.ReadAllText(Path.Combine(solution, "App", "Program.cs")));

        var check = await Tool(solution, "--check", "Training.slnx");
        Assert.True(check.ExitCode == 0, check.ToString());
        var again = await Tool(solution, "Training.slnx");
        Assert.Contains("0 file(s) changed", again.Output);

        var migratedOut = BuildAndRun(solution);
        Assert.Equal(legacyOut.StdOut, migratedOut.StdOut);
        Assert.DoesNotContain("deprecated", migratedOut.StdErr);

        // dotnet format analyzers on an untouched copy: the same files.
        Dotnet(formatted, "format", "analyzers", "Training.slnx", "--diagnostics", "TRN0001", "TRN0002", "--severity", "info");
        Assert.Equal(Sources(formatted), Sources(solution));
    }

    private static readonly string LibSource = $$"""
        using System.Globalization;
        using TorchTrainer;

        namespace Lib;

        public static class Report
        {
            public static TrainingResults Sample() => TrainingResults.FromMetrics({{Rows.Replace("\n", "\n    ", StringComparison.Ordinal)}});

            public static void Print(TrainingResults results)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lib final: {results.LossHistory[^1]:F4}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lib val: {string.Join(", ", results.ValLossHistory)}"));
            }
        }

        """;

    private const string AppSource = $"""
        using System.Globalization;
        using TorchTrainer;

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var results = Lib.Report.Sample();
        Lib.Report.Print(results);
        {Prints}

        """;

    private string WriteSolution(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "Lib"));
        Directory.CreateDirectory(Path.Combine(root, "App"));
        package.WriteNuGetConfig(root);
        File.WriteAllText(Path.Combine(root, "Training.slnx"), """
            <Solution>
              <Project Path="App/App.csproj" />
              <Project Path="Lib/Lib.csproj" />
            </Solution>

            """);
        var common = $"""
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
                <UseAppHost>false</UseAppHost>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TorchTrainer" Version="{package.Version}" />
            """;
        File.WriteAllText(Path.Combine(root, "Lib", "Lib.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
            {common}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(root, "App", "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
            {common}
                <ProjectReference Include="../Lib/Lib.csproj" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(root, "Lib", "Report.cs"), LibSource);
        File.WriteAllText(Path.Combine(root, "App", "Program.cs"), AppSource);
        return root;
    }

    private ProcessResult BuildAndRun(string solution)
    {
        Dotnet(solution, "build", "Training.slnx", "-c", "Release");
        return Dotnet(solution, "exec", Path.Combine("App", "bin", "Release", "net10.0", "App.dll"));
    }

    private static string[] ProgramLines(string stdout) =>
        stdout.Split('\n').Where(l => !l.Contains(": warning ", StringComparison.Ordinal)).ToArray();

    private static Dictionary<string, string> Sources(string root) =>
        Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText);

    private ProcessResult Dotnet(string dir, params string[] args)
    {
        var result = package.Run(dir, args);
        log.WriteLine($"dotnet {string.Join(' ', args.Take(2))}: {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private async Task<ToolRun> Tool(string currentDirectory, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var run = await Tests.Tool.RunAsync(currentDirectory, args);
        log.WriteLine($"trainer-migrate {string.Join(' ', args.Select(Path.GetFileName))}: exit {run.ExitCode}, {clock.Elapsed.TotalSeconds:F1} s");
        log.WriteLine(run.Output);
        return run;
    }

    /// <summary>A Polyglot notebook: markdown, a C# cell with #r nuget and outputs, a pwsh cell (on the modern API: a legacy read there is not analysed), a C# cell by the kernel default.</summary>
    private static string Notebook(string version) => $$"""
        {
         "cells": [
          {
           "cell_type": "markdown",
           "metadata": {},
           "source": [
            "# Loss report\n",
            "Reads `results.LossHistory[^1]` — the v3 way."
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 1,
           "metadata": {
            "dotnet_interactive": {
             "language": "csharp"
            },
            "polyglot_notebook": {
             "kernelName": "csharp"
            }
           },
           "outputs": [
            {
             "name": "stdout",
             "output_type": "stream",
             "text": [
              "final: 2.5000\n"
             ]
            }
           ],
           "source": [
            "#r \"nuget: TorchTrainer, {{version}}\"\n",
            "using TorchTrainer;\n",
            "var results = TrainingResults.FromMetrics(MetricsSummary.FromRows(new[] { new Dictionary<string, double> { [\"train/loss\"] = 2.5, [\"val/loss\"] = 2.6 } }));\n",
            "Console.WriteLine($\"final: {results.LossHistory[^1]:F4}\");"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 2,
           "metadata": {
            "polyglot_notebook": {
             "kernelName": "pwsh"
            }
           },
           "outputs": [],
           "source": [
            "Write-Host $results.FinalLoss"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 3,
           "metadata": {},
           "outputs": [
            {
             "data": {
              "text/plain": [
               "2.6"
              ]
             },
             "execution_count": 3,
             "metadata": {},
             "output_type": "execute_result"
            }
           ],
           "source": [
            "var last = results.LossHistory.Last();\n",
            "var f = results.LossHistory[^1];\n",
            "var val = results.ValLossHistory;\n",
            "var train = (IReadOnlyList<double>)results[\"loss_history\"];\n",
            "val[0]"
           ]
          }
         ],
         "metadata": {
          "kernelspec": {
           "display_name": ".NET (C#)",
           "language": "C#",
           "name": ".net-csharp"
          },
          "language_info": {
           "name": "polyglot-notebook"
          },
          "polyglot_notebook": {
           "kernelInfo": {
            "defaultKernelName": "csharp",
            "items": [
             { "aliases": [], "name": "csharp" },
             { "aliases": [], "languageName": "pwsh", "name": "pwsh" }
            ]
           }
          }
         },
         "nbformat": 4,
         "nbformat_minor": 2
        }

        """;

    /// <summary>Only the C# cells' sources change (JSON-escaped quotes in the key read).</summary>
    private static string MigratedNotebook(string notebook) => notebook
        .ReplaceOnce("{results.LossHistory[^1]:F4}", "{results.FinalLoss:F4}")
        .ReplaceOnce("results.LossHistory.Last()", "results.FinalLoss")
        .ReplaceOnce("results.LossHistory[^1];", "results.FinalLoss;")
        .ReplaceOnce("results.ValLossHistory", "results.MetricsSummary.ValLoss")
        .ReplaceOnce("results[\\\"loss_history\\\"]", "results.MetricsSummary.TrainLoss");
}
