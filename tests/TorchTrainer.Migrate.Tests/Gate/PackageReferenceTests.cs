using TorchTrainer.Migrate.Tests.Fixtures;
using static TorchTrainer.Migrate.Tests.Gate.GateInputs;

namespace TorchTrainer.Migrate.Tests.Gate;

/// <summary>
/// Issue 8: a notebook's <c>#r "nuget: …"</c> and a file-based app's <c>#:package</c> resolve as the kernel and the SDK
/// resolve them (NuGet's version ranges, restored on demand from the notebook folder's sources and <c>#i</c> sources),
/// so <c>--check</c> never passes a legacy use because a package was not found; a package that cannot be restored is
/// exit 2 naming it. TorchTrainer comes from a local folder feed into this run's own global packages folder.
/// </summary>
public sealed class PackageReferenceTests
{
    /// <summary>Every version form a notebook may write, and the feed version NuGet (and the kernel) resolves it to.</summary>
    private static readonly (string? Form, string Resolved)[] VersionForms =
    [
        ("4.0.1", "4.0.1"),            // exact
        ("4.0.*", "4.0.1"),            // floating: the highest 4.0.x
        ("*", "4.0.1"),                // the highest stable
        ("*-*", "4.1.0-beta.1"),       // the highest, prereleases included
        ("4.0.*-*", "4.0.1"),          // the highest 4.0.x, prereleases included
        ("[4.0,5.0)", "4.0.0"),        // an interval: the lowest version in it
        (null, "4.0.1"),               // no version: the highest stable, as the kernel asks for "*"
    ];

    /// <summary>One notebook per version form in one folder: one tool run a step (the restores run side by side).</summary>
    [Fact]
    public async Task Each_nuget_version_form_is_restored_check_fails_before_and_passes_after_migration()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        var references = VersionForms.Select(v => v.Form is null ? "#r \"nuget: TorchTrainer\"" : $"#r \"nuget: TorchTrainer, {v.Form}\"").ToArray();
        for (var i = 0; i < references.Length; i++)
        {
            dir.Write($"form{i}.ipynb", Ipynb($"{references[i]}\nusing TorchTrainer;\n{Results}", LegacyUse));
        }

        var before = await Tool.RunAsync(dir.Path, "--check", ".");
        Assert.True(before.ExitCode == 1, before.ToString());
        for (var i = 0; i < references.Length; i++)
        {
            Assert.Contains($"form{i}.ipynb: 1 legacy use(s), 1 fixable", before.Error);   // found whatever the form
        }

        Assert.Contains("7 of 7 input(s) analysed completely", before.Output);
        Assert.Contains($"restoring TorchTrainer {VersionForms[1].Form} with NuGet (for notebooks in {dir.Path})", before.Error); // announced as it starts
        foreach (var resolved in VersionForms.Select(v => v.Resolved).Distinct())
        {
            // Restored on demand from the feed: no package folder held any TorchTrainer before this run's restores.
            Assert.True(Directory.Exists(Path.Combine(RealTorchTrainer.GlobalPackagesFolder, "torchtrainer", resolved)),
                $"TorchTrainer {resolved} was not restored into {RealTorchTrainer.GlobalPackagesFolder}");
        }

        var migrate = await Tool.RunAsync(dir.Path, ".");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        for (var i = 0; i < references.Length; i++)
        {
            Assert.Equal([$"{references[i]}\nusing TorchTrainer;\n{Results}", MigratedUse], Cells(dir.Text($"form{i}.ipynb")));
        }

        var after = await Tool.RunAsync(dir.Path, "--check", ".");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("7 of 7 input(s) analysed completely", after.Output);
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_dib_reference_with_a_version_range_is_restored()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        var dib = $"#!csharp\n\n#r \"nuget: TorchTrainer, [4.0,5.0)\"\nusing TorchTrainer;\n{Results}\n\n#!csharp\n\n{LegacyUse}\n";
        dir.Write("report.dib", dib);

        var check = await Tool.RunAsync(dir.Path, "--check", "report.dib");
        Assert.True(check.ExitCode == 1, check.ToString());

        var migrate = await Tool.RunAsync(dir.Path, "report.dib");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(dib.Replace(LegacyUse, MigratedUse, StringComparison.Ordinal), dir.Text("report.dib"));
        outside.AssertUntouched();
    }

    [Fact]
    public async Task An_i_nuget_source_line_adds_the_feed_the_notebook_folder_does_not_name()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path, withFeed: false);
        var withSource = Ipynb($"#i \"nuget: {RealTorchTrainer.FeedPath}\"\n#r \"nuget: TorchTrainer, 4.0.*\"\nusing TorchTrainer;\n{Results}\n{LegacyUse}");
        dir.Write("with-source.ipynb", withSource);
        dir.Write("without-source.ipynb", Ipynb($"#r \"nuget: TorchTrainer, 4.0.*\"\nusing TorchTrainer;\n{Results}\n{LegacyUse}"));

        var found = await Tool.RunAsync(dir.Path, "--check", "with-source.ipynb");
        Assert.True(found.ExitCode == 1, found.ToString());
        Assert.Contains("1 legacy use(s) found", found.Output);

        // Without the #i line no source has TorchTrainer: not analysed, named, never a pass.
        var missing = await Tool.RunAsync(dir.Path, "--check", "without-source.ipynb");
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("error: not analysed: without-source.ipynb: #r \"nuget: TorchTrainer, 4.0.*\" cannot be restored: NU1101", missing.Error);
        Assert.Contains("0 of 1 input(s) analysed completely", missing.Output);
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_package_that_cannot_be_restored_is_exit_2_naming_package_version_and_error_and_nothing_is_written()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        var notebook = Ipynb($"#r \"nuget: TorchTrainer, 9.9.9\"\nusing TorchTrainer;\n{Results}\n{LegacyUse}");
        dir.Write("report.ipynb", notebook);
        var app = $"#:package TorchTrainer@9.9.9\nusing TorchTrainer;\n{Results}\n{LegacyUse}\n";
        dir.Write("app.cs", app);

        foreach (var mode in new[] { "--check", "--dry-run" })
        {
            var run = await Tool.RunAsync(dir.Path, mode, ".");
            Assert.True(run.ExitCode == 2, run.ToString());
            // NU1102: the feed has TorchTrainer, but not 9.9.9.
            Assert.Contains("error: not analysed: report.ipynb: #r \"nuget: TorchTrainer, 9.9.9\" cannot be restored: NU1102", run.Error);
            Assert.Contains("error: not analysed: app.cs: #:package TorchTrainer@9.9.9 cannot be restored: NU1102", run.Error);
        }

        var apply = await Tool.RunAsync(dir.Path, ".");
        Assert.True(apply.ExitCode == 2, apply.ToString());
        Assert.Equal(notebook, dir.Text("report.ipynb"));
        Assert.Equal(app, dir.Text("app.cs"));
        outside.AssertUntouched();
    }

    [Theory]
    [InlineData("4.0.*")]
    [InlineData("*-*")]
    public async Task A_file_based_app_package_range_is_restored_by_the_SDK(string range)
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        var app = $"#:package TorchTrainer@{range}\nusing TorchTrainer;\n{Results}\n{LegacyUse}\n";
        dir.Write("app.cs", app);

        var check = await Tool.RunAsync(dir.Path, "--check", "app.cs");
        Assert.True(check.ExitCode == 1, check.ToString());

        var migrate = await Tool.RunAsync(dir.Path, "app.cs");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(app.Replace(LegacyUse, MigratedUse, StringComparison.Ordinal), dir.Text("app.cs"));

        var after = await Tool.RunAsync(dir.Path, "--check", "app.cs");
        Assert.True(after.ExitCode == 0, after.ToString());
        outside.AssertUntouched();
    }
}
