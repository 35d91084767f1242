using System.Text.Json;
using TorchTrainer.Migrate.Fixing;
using TorchTrainer.Migrate.Tests.Fixtures;

namespace TorchTrainer.Migrate.Tests;

/// <summary>The command line over real rewrites: the shipped analyzers and fixes on code compiled against the real TorchTrainer.</summary>
public sealed class CliTests
{
    private static TempDir AppFolder()
    {
        var dir = new TempDir();
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        dir.Write("train.cs", FileBasedAppTests.App());
        return dir;
    }

    [Fact]
    public async Task Dry_run_prints_a_unified_diff_and_writes_nothing()
    {
        using var dir = AppFolder();

        var run = await Tool.RunAsync(dir.Path, "--dry-run", "train.cs");

        Assert.True(run.ExitCode == 0, run.ToString());
        var diff = string.Join("\n",
            "--- a/train.cs",
            "+++ b/train.cs",
            "@@ -5,5 +5,5 @@",
            " using TorchTrainer;",
            " ",
            $" var r = {RealTorchTrainer.TwoEpochResults};",
            "-Console.WriteLine(r.LossHistory[^1]); // keep this comment",
            "-Console.WriteLine(r.ValLossHistory.Count);",
            "+Console.WriteLine(r.FinalLoss); // keep this comment",
            "+Console.WriteLine(r.MetricsSummary.ValLoss.Count);",
            "");
        Assert.Contains(diff, run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
    }

    [Fact]
    public async Task Check_exits_1_when_something_would_change_then_0_after_migration_and_a_second_run_changes_nothing()
    {
        using var dir = AppFolder();
        dir.Write("nb/train.ipynb", NotebookTests.MixedNotebookWithLegacyInCSharpOnly);

        var check = await Tool.RunAsync(dir.Path, "--check");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
        Assert.Equal(NotebookTests.MixedNotebookWithLegacyInCSharpOnly, dir.Text("nb/train.ipynb"));

        var apply = await Tool.RunAsync(dir.Path);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(FileBasedAppTests.MigratedApp(), dir.Text("train.cs"));
        Assert.Equal(NotebookTests.MigratedMixedNotebookWithLegacyInCSharpOnly, dir.Text("nb/train.ipynb"));
        Assert.Contains("2 file(s) changed", apply.Output);

        var again = await Tool.RunAsync(dir.Path);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 file(s) changed", again.Output);
        Assert.Equal(FileBasedAppTests.MigratedApp(), dir.Text("train.cs"));

        var recheck = await Tool.RunAsync(dir.Path, "--check");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
    }

    [Fact]
    public async Task Report_sarif_is_a_SARIF_2_1_0_log_of_the_real_findings()
    {
        using var dir = AppFolder();

        var run = await Tool.RunAsync(dir.Path, "--check", "--report", "out/findings.sarif", "train.cs");

        Assert.True(run.ExitCode == 1, run.ToString());
        using var sarif = JsonDocument.Parse(dir.Text("out/findings.sarif"));
        var root = sarif.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var runElement = root.GetProperty("runs")[0];
        var driver = runElement.GetProperty("tool").GetProperty("driver");
        Assert.Equal("trainer-migrate", driver.GetProperty("name").GetString());
        Assert.Equal(["TRN0001", "TRN0002", "TRN0003"], driver.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var results = runElement.GetProperty("results").EnumerateArray()
            .Select(r => (
                Rule: r.GetProperty("ruleId").GetString(),
                Level: r.GetProperty("level").GetString(),
                Message: r.GetProperty("message").GetProperty("text").GetString(),
                Uri: r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!,
                Line: r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32(),
                Column: r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startColumn").GetInt32(),
                Status: r.GetProperty("properties").GetProperty("status").GetString()))
            .OrderBy(r => r.Line).ToList();
        Assert.Equal(2, results.Count);
        Assert.Equal(("TRN0001", "warning", "'LossHistory' is a legacy member, removed in TorchTrainer 5.0: use 'FinalLoss'", 8, 21, "fixable"),
            (results[0].Rule, results[0].Level, results[0].Message, results[0].Line, results[0].Column, results[0].Status));
        Assert.Equal(("TRN0001", "warning", "'ValLossHistory' is a legacy member, removed in TorchTrainer 5.0: use 'MetricsSummary.ValLoss'", 9, 21, "fixable"),
            (results[1].Rule, results[1].Level, results[1].Message, results[1].Line, results[1].Column, results[1].Status));
        Assert.All(results, r => Assert.EndsWith("/train.cs", r.Uri));
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
    }

    [Fact]
    public async Task Report_json_lists_findings_fixed_per_rule_and_changed_files()
    {
        using var dir = AppFolder();

        var run = await Tool.RunAsync(dir.Path, "--report", "report.json", "train.cs");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(dir.Text("report.json"));
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("fixed_per_rule").GetProperty("TRN0001").GetInt32());
        Assert.EndsWith("train.cs", Assert.Single(root.GetProperty("changed_files").EnumerateArray()).GetString());
        var findings = root.GetProperty("findings").EnumerateArray().OrderBy(f => f.GetProperty("line").GetInt32()).ToList();
        Assert.Equal([(8, "fixed"), (9, "fixed")], findings.Select(f => (f.GetProperty("line").GetInt32(), f.GetProperty("status").GetString())));
        Assert.All(findings, f => Assert.Equal("TRN0001", f.GetProperty("rule_id").GetString()));
    }

    [Fact]
    public async Task Diagnostics_filters_rules_and_rejects_unknown_ids()
    {
        using var dir = AppFolder();

        var unknown = await Tool.RunAsync(dir.Path, "--diagnostics", "TRN9999", "--", "train.cs");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("TRN9999", unknown.Error);

        // The app reads legacy members (TRN0001) but no legacy key (TRN0002): only the first filter finds something.
        var known = await Tool.RunAsync(dir.Path, "--check", "--diagnostics", "TRN0001", "--", "train.cs");
        Assert.True(known.ExitCode == 1, known.ToString());
        var other = await Tool.RunAsync(dir.Path, "--check", "--diagnostics", "TRN0002", "--", "train.cs");
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Equal(FileBasedAppTests.App(), dir.Text("train.cs"));
    }

    [Fact]
    public async Task Verbosity_quiet_prints_no_summary_and_bad_levels_are_refused()
    {
        using var dir = AppFolder();

        var quiet = await Tool.RunAsync(dir.Path, "--check", "--verbosity", "quiet", "train.cs");
        Assert.Equal(1, quiet.ExitCode);
        Assert.Equal("", quiet.Output);

        var detailed = await Tool.RunAsync(dir.Path, "--check", "-v", "detailed", "train.cs");
        Assert.Equal(1, detailed.ExitCode);
        Assert.Contains("train.cs:8:", detailed.Output);
        Assert.Contains("train.cs:9:", detailed.Output);

        var bad = await Tool.RunAsync(dir.Path, "--verbosity", "loud", "train.cs");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("loud", bad.Error);
    }

    [Theory]
    [InlineData("missing.ipynb", "no such file or folder")]
    [InlineData("notes.txt", "not something trainer-migrate reads")]
    public async Task Bad_paths_exit_2_naming_the_path_and_nothing_is_written(string path, string message)
    {
        using var dir = AppFolder();
        dir.Write("notes.txt", "hello");

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
    public void Default_analyzer_set_holds_every_shipped_analyzer_and_fix()
    {
        var set = AnalyzerSet.LoadDefault();

        // Both assemblies loaded (the source names a missing one as "(not found: ...)", which also contains its name).
        Assert.DoesNotContain("not found", set.Source);
        Assert.Equal(["TRN0001", "TRN0002", "TRN0003"], set.Descriptors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["LegacyKeyFixer", "LegacyMemberFixer", "NearMissColumnFixer"],
            set.Fixers.Select(f => f.GetType().Name).Order(StringComparer.Ordinal));
        Assert.All(set.Analyzers, a => Assert.Equal("TorchTrainer.Analyzers", a.GetType().Assembly.GetName().Name));
        Assert.All(set.Fixers, f => Assert.Equal("TorchTrainer.Analyzers.CodeFixes", f.GetType().Assembly.GetName().Name));
    }
}
