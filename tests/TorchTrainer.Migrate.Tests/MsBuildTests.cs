using TorchTrainer.Migrate.Tests.Fixtures;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// Projects loaded through MSBuildWorkspace that reference the real TorchTrainer.dll (<see cref="RealTorchTrainer.ProjectReferenceItem"/>),
/// migrated by the shipped fixes: an app whose legacy use sits in a file of its own, and a project that does not
/// reference TorchTrainer. MSBuild loads are slow
/// (a BuildHost process each), so one test walks the whole story: --check on the .slnx, apply on the folder,
/// --check again on the .csproj.
/// </summary>
public sealed class MsBuildTests
{
    private const string App = """
        using TorchTrainer;

        namespace Demo;

        public static class Report
        {
            public static double Last(TrainingResults r) => r.LossHistory[^1];
        }
        """;

    private static readonly TimeSpan RestoreLimit = TimeSpan.FromMinutes(5); // a hang guard, not a timing assertion

    private static void Restore(string path) =>
        ChildProcess.Run(ChildProcess.Dotnet(), Path.GetDirectoryName(path)!, ["restore", path, "-v", "q"], new Dictionary<string, string>(), RestoreLimit, expectSuccess: true);

    [Fact]
    public async Task Solution_folder_and_project_paths_migrate_through_MSBuildWorkspace()
    {
        using var dir = new TempDir();
        const string lib = """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup></Project>""";
        dir.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup>{RealTorchTrainer.ProjectReferenceItem}</ItemGroup>
            </Project>
            """);
        dir.Write("App/Report.cs", App.Replace("\n", "\r\n", StringComparison.Ordinal), bom: true);
        dir.Write("Other/Other.csproj", lib);
        dir.Write("Other/Code.cs", "namespace Other; public class C { }\n");
        dir.Write("all.slnx", """
            <Solution>
              <Project Path="App/App.csproj" />
              <Project Path="Other/Other.csproj" />
            </Solution>
            """);
        Restore(Path.Combine(dir.Path, "all.slnx"));

        var check = await Tool.RunAsync(dir.Path, "--check", "all.slnx");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("does not reference TorchTrainer", check.Output);
        Assert.Contains("Other.csproj", check.Output);

        var apply = await Tool.RunAsync(dir.Path, ".");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var expected = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(System.Text.Encoding.UTF8.GetBytes(
            App.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss").Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.Equal(expected, dir.Bytes("App/Report.cs"));

        var recheck = await Tool.RunAsync(dir.Path, "--check", "App/App.csproj");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
    }

    /// <summary>
    /// A classic .sln: the legacy uses sit in a multi-targeted class library (net8.0;net10.0, so MSBuildWorkspace loads
    /// it as two projects sharing its files) and in an app that references that library; a project without TorchTrainer
    /// is reported as skipped. Both files are fixed, the library's exactly once, also when
    /// the solution is loaded in parts. The recheck loads the solution whole.
    /// </summary>
    [Fact]
    public async Task Classic_sln_with_the_legacy_use_in_a_library_referenced_by_an_app_fixes_both_and_the_library_once()
    {
        using var dir = new TempDir();
        dir.Write("Lib/Lib.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFrameworks>net8.0;net10.0</TargetFrameworks></PropertyGroup>
              <ItemGroup>{RealTorchTrainer.ProjectReferenceItem}</ItemGroup>
            </Project>
            """);
        const string stats = """
            using TorchTrainer;

            namespace Lib;

            public static class Stats
            {
                public static double Last(TrainingResults r) => r.LossHistory[^1];

                public static int Epochs(TrainingResults r) => r.LossHistory.Count; // keep this comment
            }

            """;
        dir.Write("Lib/Stats.cs", stats);
        dir.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><ProjectReference Include="../Lib/Lib.csproj" />{RealTorchTrainer.ProjectReferenceItem}</ItemGroup>
            </Project>
            """);
        const string summary = """
            using TorchTrainer;

            namespace App;

            public static class Summary
            {
                public static string Text(TrainingResults r) => $"{Lib.Stats.Last(r)} after {r.LossHistory.Count} epochs";
            }

            """;
        dir.Write("App/Summary.cs", summary);
        dir.Write("Plain/Plain.csproj", """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>""");
        dir.Write("Plain/Code.cs", "namespace Plain; public class C { }\n");
        dir.Write("all.sln", ClassicSolution("Lib", "App", "Plain"));
        Restore(Path.Combine(dir.Path, "all.sln"));

        // Partitions of one project (as a large solution is split): [Lib] and [App] (Plain, decided by MSBuild evaluation,
        // is not loaded at all); Lib is loaded again as a reference of App without being processed a second time.
        var apply = await Tool.RunAsync(dir.Path, o => o with { PartitionSize = 1 }, "--report", "report.json", "all.sln");

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("all.sln (part 2/2, 1 projects)", apply.Error);
        Assert.Equal(
            stats.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss").ReplaceOnce("r.LossHistory.Count; // keep", "r.MetricsSummary.TrainLoss.Count; // keep"),
            dir.Text("Lib/Stats.cs"));
        Assert.Equal(summary.ReplaceOnce("r.LossHistory.Count", "r.MetricsSummary.TrainLoss.Count"), dir.Text("App/Summary.cs"));
        Assert.Contains("2 file(s) changed, 3 legacy use(s) found", apply.Output);
        Assert.Single(apply.Output.Split('\n'), line => line.Trim() == "changed: Lib/Stats.cs");
        Assert.Single(apply.Output.Split('\n'), line => line.Trim() == "changed: App/Summary.cs");
        Assert.Contains("skipped: Plain/Plain.csproj (Plain): does not reference TorchTrainer; skipped", apply.Output);
        Assert.DoesNotContain("warning:", apply.Output);

        using (var json = System.Text.Json.JsonDocument.Parse(dir.Text("report.json")))
        {
            var root = json.RootElement;
            Assert.Equal(3, root.GetProperty("fixed_per_rule").GetProperty("TRN0001").GetInt32());
            Assert.Equal(2, root.GetProperty("changed_files").GetArrayLength());
            Assert.Equal(3, root.GetProperty("findings").GetArrayLength());
            Assert.Contains(root.GetProperty("skipped").EnumerateArray(), s => s.GetString()!.Contains("Plain.csproj", StringComparison.Ordinal));
        }

        var recheck = await Tool.RunAsync(dir.Path, "--check", "all.sln");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
        Assert.Contains("0 file(s) would change, 0 legacy use(s) found", recheck.Output);
    }

    /// <summary>A Visual Studio solution file in the classic text format, one C# project per folder.</summary>
    private static string ClassicSolution(params string[] projects)
    {
        var guids = projects.ToDictionary(p => p, _ => Guid.NewGuid().ToString("B").ToUpperInvariant());
        var text = new System.Text.StringBuilder("\r\nMicrosoft Visual Studio Solution File, Format Version 12.00\r\n# Visual Studio Version 17\r\nVisualStudioVersion = 17.0.31903.59\r\nMinimumVisualStudioVersion = 10.0.40219.1\r\n");
        foreach (var p in projects)
        {
            text.Append($"Project(\"{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}\") = \"{p}\", \"{p}\\{p}.csproj\", \"{guids[p]}\"\r\nEndProject\r\n");
        }

        text.Append("Global\r\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\r\n\t\tDebug|Any CPU = Debug|Any CPU\r\n\tEndGlobalSection\r\n\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\r\n");
        foreach (var p in projects)
        {
            text.Append($"\t\t{guids[p]}.Debug|Any CPU.ActiveCfg = Debug|Any CPU\r\n\t\t{guids[p]}.Debug|Any CPU.Build.0 = Debug|Any CPU\r\n");
        }

        text.Append("\tEndGlobalSection\r\nEndGlobal\r\n");
        return text.ToString();
    }

    [Fact]
    public async Task A_project_that_cannot_be_loaded_exits_2_naming_it()
    {
        using var dir = new TempDir();
        dir.Write("Broken/Broken.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>");

        var run = await Tool.RunAsync(dir.Path, "Broken/Broken.csproj");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("Broken.csproj", run.Error);
    }
}
