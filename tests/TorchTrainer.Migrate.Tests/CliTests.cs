using System.Text.Json;
using TorchTrainer.Migrate.Fixing;

namespace TorchTrainer.Migrate.Tests;

public sealed class CliTests
{
    private static string Fixed(string app) => app.Replace("r.LossHistory[^1]", "r.MetricsSummary.TrainLoss[^1]", StringComparison.Ordinal);

    [Fact]
    public async Task Dry_run_prints_a_unified_diff_and_writes_nothing()
    {
        using var dir = new TempDir();
        dir.Write("train.cs", FileBasedAppTests.App());

        var run = await Tool.RunAsync(dir.Path, "--dry-run", "train.cs");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("--- a/train.cs", run.Output);
        Assert.Contains("+++ b/train.cs", run.Output);
        Assert.Contains("-Console.WriteLine(r.LossHistory[^1]); // keep this comment", run.Output);
        Assert.Contains("+Console.WriteLine(r.MetricsSummary.TrainLoss[^1]); // keep this comment", run.Output);
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
    }

    [Fact]
    public async Task Check_exits_1_when_something_would_change_then_0_after_migration_and_a_second_run_changes_nothing()
    {
        using var dir = new TempDir();
        dir.Write("train.cs", FileBasedAppTests.App());
        dir.Write("nb/train.ipynb", NotebookTests.MixedNotebook);

        var check = await Tool.RunAsync(dir.Path, "--check");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
        Assert.Equal(NotebookTests.MixedNotebook, dir.Text("nb/train.ipynb"));

        var apply = await Tool.RunAsync(dir.Path);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(Fixed(FileBasedAppTests.App()), dir.Text("train.cs"));
        Assert.Equal(NotebookTests.Migrated(NotebookTests.MixedNotebook), dir.Text("nb/train.ipynb"));
        Assert.Contains("2 file(s) changed", apply.Output);

        var again = await Tool.RunAsync(dir.Path);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 file(s) changed", again.Output);
        Assert.Equal(Fixed(FileBasedAppTests.App()), dir.Text("train.cs"));

        var recheck = await Tool.RunAsync(dir.Path, "--check");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
    }

    [Fact]
    public async Task Report_sarif_is_a_minimal_valid_SARIF_2_1_0_log()
    {
        using var dir = new TempDir();
        dir.Write("train.cs", FileBasedAppTests.App());

        var run = await Tool.RunAsync(dir.Path, "--check", "--report", "out/findings.sarif", "train.cs");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var sarif = JsonDocument.Parse(dir.Text("out/findings.sarif"));
        var root = sarif.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var runElement = root.GetProperty("runs")[0];
        var driver = runElement.GetProperty("tool").GetProperty("driver");
        Assert.Equal("trainer-migrate", driver.GetProperty("name").GetString());
        Assert.Equal("TRN0001", driver.GetProperty("rules")[0].GetProperty("id").GetString());
        var results = runElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        foreach (var result in results)
        {
            Assert.Equal("TRN0001", result.GetProperty("ruleId").GetString());
            Assert.Equal("warning", result.GetProperty("level").GetString());
            Assert.False(string.IsNullOrEmpty(result.GetProperty("message").GetProperty("text").GetString()));
            var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.EndsWith("/train.cs", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.True(location.GetProperty("region").GetProperty("startLine").GetInt32() is 6 or 7);
        }

        Assert.Contains(results, r => r.GetProperty("properties").GetProperty("status").GetString() == "unfixable");
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
    }

    [Fact]
    public async Task Report_json_lists_findings_fixed_per_rule_and_changed_files()
    {
        using var dir = new TempDir();
        dir.Write("train.cs", FileBasedAppTests.App());

        var run = await Tool.RunAsync(dir.Path, "--report", "report.json", "train.cs");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(dir.Text("report.json"));
        Assert.Equal(1, json.RootElement.GetProperty("fixed_per_rule").GetProperty("TRN0001").GetInt32());
        Assert.Single(json.RootElement.GetProperty("changed_files").EnumerateArray());
        Assert.Equal(2, json.RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task Diagnostics_filters_rules_and_rejects_unknown_ids()
    {
        using var dir = new TempDir();
        dir.Write("train.cs", FileBasedAppTests.App());

        var unknown = await Tool.RunAsync(dir.Path, "--diagnostics", "TRN9999", "--", "train.cs");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("TRN9999", unknown.Error);

        var known = await Tool.RunAsync(dir.Path, "--check", "--diagnostics", "TRN0001", "--", "train.cs");
        Assert.True(known.ExitCode == 1, known.ToString());
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
    }

    [Fact]
    public async Task Verbosity_quiet_prints_no_summary_and_bad_levels_are_refused()
    {
        using var dir = new TempDir();
        dir.Write("train.cs", FileBasedAppTests.App());

        var quiet = await Tool.RunAsync(dir.Path, "--check", "--verbosity", "quiet", "train.cs");
        Assert.Equal(1, quiet.ExitCode);
        Assert.Equal("", quiet.Output);

        var detailed = await Tool.RunAsync(dir.Path, "--check", "-v", "detailed", "train.cs");
        Assert.Equal(1, detailed.ExitCode);
        Assert.Contains("train.cs:6:", detailed.Output);

        var bad = await Tool.RunAsync(dir.Path, "--verbosity", "loud", "train.cs");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("loud", bad.Error);
    }

    [Theory]
    [InlineData("missing.ipynb", "no such file or folder")]
    [InlineData("notes.txt", "not something trainer-migrate reads")]
    public async Task Bad_paths_exit_2_naming_the_path(string path, string message)
    {
        using var dir = new TempDir();
        dir.Write("notes.txt", "hello");
        dir.Write("train.cs", FileBasedAppTests.App());

        var run = await Tool.RunAsync(dir.Path, "train.cs", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(path, run.Error);
        Assert.Contains(message, run.Error);
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
    }

    [Fact]
    public async Task Unknown_option_exits_2_and_help_exits_0()
    {
        using var dir = new TempDir();

        var unknown = await Tool.RunAsync(dir.Path, "--frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--frobnicate", unknown.Error);

        var help = await Tool.RunAsync(dir.Path, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--dry-run", help.Output);
        Assert.Contains("--check", help.Output);
        Assert.Contains("Usage:\n  trainer-migrate [<PATH>...] [options]", help.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_with_nothing_to_migrate_is_bad_input()
    {
        using var dir = new TempDir();
        dir.Write("readme.md", "nothing here");

        var run = await Tool.RunAsync(dir.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no solution, project, file-based app or notebook found", run.Error);
    }

    [Fact]
    public void Default_analyzer_set_is_discovered_by_reflection_from_the_TorchTrainer_assemblies()
    {
        var set = AnalyzerSet.LoadDefault();
        Assert.Contains("TorchTrainer.Analyzers", set.Source);
        Assert.Contains("TorchTrainer.Analyzers.CodeFixes", set.Source);

        var test = AnalyzerSet.FromAssemblies([typeof(TestLegacyMemberAnalyzer).Assembly]);
        Assert.Single(test.Analyzers);
        Assert.Single(test.Fixers);
        Assert.True(test.Descriptors.ContainsKey("TRN0001"));
    }
}
