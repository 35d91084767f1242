using TorchTrainer.Migrate.Tests.Fixtures;
using static TorchTrainer.Migrate.Tests.Gate.GateInputs;

namespace TorchTrainer.Migrate.Tests.Gate;

/// <summary>
/// Issue 8: the tool stays inside its roots on ordinary file systems (directory links, file links, loops, read-only
/// files), refuses malformed text by name with exit 2, and reports a mistyped option as one. Each test runs the tool
/// on <c>root</c> and checks that nothing beside it (<c>outside</c>) changed.
/// </summary>
public sealed class FileSystemTests : IDisposable
{
    private readonly TempDir _dir = new();

    private readonly SortedDictionary<string, string> _outsideAtStart;

    public FileSystemTests()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "bystander.dib"), Dib);   // legacy code beside the root, never to be touched
        _outsideAtStart = Snapshot(Outside);
    }

    /// <summary>Nothing beside the root changed (for the tests that put nothing there of their own).</summary>
    private void AssertOutsideUntouched() => Assert.Equal(_outsideAtStart, Snapshot(Outside));

    private string Root => Path.Combine(_dir.Path, "root");

    private string Outside => Path.Combine(_dir.Path, "outside");

    /// <summary>A .dib on the real TorchTrainer (by path: no restore) with one legacy read.</summary>
    private static string Dib => $"#!csharp\n\n{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}\n{LegacyUse}\n";

    private static string MigratedDib => Dib.Replace(LegacyUse, MigratedUse, StringComparison.Ordinal);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_directory_link_out_of_the_root_is_not_followed_and_the_files_outside_stay_untouched()
    {
        File.WriteAllText(Path.Combine(Outside, "elsewhere.dib"), Dib);
        File.WriteAllText(Path.Combine(Root, "inside.dib"), Dib);
        Directory.CreateSymbolicLink(Path.Combine(Root, "linked"), Outside);
        var outside = Snapshot(Outside);

        var run = await Tool.RunAsync(_dir.Path, "root");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(MigratedDib, File.ReadAllText(Path.Combine(Root, "inside.dib")));
        Assert.Contains("a directory link", run.Output);
        Assert.Contains("not followed", run.Output);
        Assert.Equal(outside, Snapshot(Outside));
        Assert.Equal(Outside, new DirectoryInfo(Path.Combine(Root, "linked")).LinkTarget);
    }

    [Fact]
    public async Task A_link_loop_is_survived()
    {
        File.WriteAllText(Path.Combine(Root, "inside.dib"), Dib);
        Directory.CreateSymbolicLink(Path.Combine(Root, "loop"), "..");
        Directory.CreateSymbolicLink(Path.Combine(Root, "self"), ".");

        var check = await Tool.RunAsync(_dir.Path, "--check", "root");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);   // once, not once per lap of the loop
        Assert.Contains("1 of 1 input(s) analysed completely", check.Output);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_file_link_inside_the_root_fixes_its_target_and_stays_a_link()
    {
        Directory.CreateDirectory(Path.Combine(Root, "shared"));
        File.WriteAllText(Path.Combine(Root, "shared", "target.dib"), Dib);
        Directory.CreateDirectory(Path.Combine(Root, "notebooks"));
        var link = Path.Combine(Root, "notebooks", "link.dib");
        File.CreateSymbolicLink(link, Path.Combine("..", "shared", "target.dib"));
        var outside = Snapshot(Outside);

        // The target lies in a root: analysed once (the link and the target are one input) and written, the link kept.
        var run = await Tool.RunAsync(_dir.Path, "root/notebooks", "root/shared");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(MigratedDib, File.ReadAllText(Path.Combine(Root, "shared", "target.dib")));
        Assert.Equal(Path.Combine("..", "shared", "target.dib"), new FileInfo(link).LinkTarget);
        Assert.Contains("1 file(s) changed", run.Output);
        Assert.Equal(outside, Snapshot(Outside));
    }

    [Fact]
    public async Task A_file_link_to_outside_the_roots_is_reported_not_analysed_and_left_alone()
    {
        var target = Path.Combine(Outside, "target.dib");
        File.WriteAllText(target, Dib);
        File.CreateSymbolicLink(Path.Combine(Root, "link.dib"), target);
        File.WriteAllText(Path.Combine(Root, "inside.dib"), Dib);
        var outside = Snapshot(Outside);

        foreach (var args in new[] { new[] { "--check", "root" }, ["root"], ["root/link.dib"] })
        {
            var run = await Tool.RunAsync(_dir.Path, args);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains($"error: not analysed: root/link.dib: a link to {target}, outside the given paths", run.Error);
        }

        Assert.Equal(outside, Snapshot(Outside));
        Assert.Equal(target, new FileInfo(Path.Combine(Root, "link.dib")).LinkTarget);
        Assert.Equal(MigratedDib, File.ReadAllText(Path.Combine(Root, "inside.dib")));   // the rest of the root is migrated
    }

    [Fact]
    public async Task A_bin_folder_of_scripts_is_scanned_and_a_projects_build_output_is_not()
    {
        // File-based apps are scripts (#!/usr/bin/env dotnet), and scripts live in bin/; a project's bin/ is its output.
        RealTorchTrainer.WriteNuGetConfig(Root);
        var app = $"#!/usr/bin/env dotnet\n{RealTorchTrainer.PackageDirective}\nusing TorchTrainer;\nvar r = {RealTorchTrainer.TwoEpochResults};\n{LegacyUse}\n";
        Directory.CreateDirectory(Path.Combine(Root, "bin"));
        File.WriteAllText(Path.Combine(Root, "bin", "report.cs"), app);
        Directory.CreateDirectory(Path.Combine(Root, "Tool", "bin", "Debug"));
        File.WriteAllText(Path.Combine(Root, "Tool", "Tool.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(Root, "Tool", "bin", "Debug", "copied.dib"), Dib);

        var check = await Tool.RunAsync(_dir.Path, "--check", "root");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("would change: root/bin/report.cs", check.Output.Replace('\\', '/'));
        Assert.DoesNotContain("copied.dib", check.Output + check.Error);
        Assert.Contains("2 of 2 input(s) analysed completely", check.Output);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_notebook_in_a_folder_named_with_a_dot_is_scanned_and_tools_folders_are_not()
    {
        // .notebooks/ and .github/ hold code people run; .git/ and Jupyter's autosaved copies are tools' state.
        Directory.CreateDirectory(Path.Combine(Root, ".notebooks"));
        File.WriteAllText(Path.Combine(Root, ".notebooks", "report.dib"), Dib);
        Directory.CreateDirectory(Path.Combine(Root, ".git"));
        File.WriteAllText(Path.Combine(Root, ".git", "stash.dib"), Dib);
        Directory.CreateDirectory(Path.Combine(Root, ".ipynb_checkpoints"));
        File.WriteAllText(Path.Combine(Root, ".ipynb_checkpoints", "report-checkpoint.dib"), Dib);

        var check = await Tool.RunAsync(_dir.Path, "--check", "root");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("would change: root/.notebooks/report.dib", check.Output.Replace('\\', '/'));
        Assert.DoesNotContain("stash.dib", check.Output + check.Error);
        Assert.DoesNotContain("checkpoint", check.Output + check.Error);
        Assert.Contains("1 of 1 input(s) analysed completely", check.Output);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_legacy_name_in_a_CSharp_file_nothing_here_compiles_is_not_analysed_not_passed()
    {
        // A folder of notebooks with a loose .cs file and a dotnet-script .csx beside them: neither is a project, a
        // file-based app nor a notebook, so nothing analyses them; with a legacy name in them, the gate cannot pass.
        File.WriteAllText(Path.Combine(Root, "report.dib"), MigratedDib);
        File.WriteAllText(Path.Combine(Root, "Helpers.cs"), "public static class Helpers\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");
        File.WriteAllText(Path.Combine(Root, "plot.csx"), "#r \"nuget: TorchTrainer, 4.0.0\"\nvar v = results[\"val_loss_history\"];\n");
        File.WriteAllText(Path.Combine(Root, "Clean.cs"), "public static class Clean { }\n");

        var check = await Tool.RunAsync(_dir.Path, "--check", "root");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: root/Helpers.cs: 'LossHistory' (line 3) in a C# file outside every project that is not a file-based app", check.Error.Replace('\\', '/'));
        Assert.Contains("error: not analysed: root/plot.csx: '\"val_loss_history\"' (line 2) in a C# script (.csx)", check.Error.Replace('\\', '/'));
        Assert.DoesNotContain("Clean.cs", check.Error);
        Assert.Contains("1 of 3 input(s) analysed completely", check.Output);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_CSharp_file_outside_every_project_folder_that_a_project_links_is_that_projects()
    {
        // A shared folder of linked files: compiled (here by a project without TorchTrainer, whose names are its own), not loose.
        Directory.CreateDirectory(Path.Combine(Root, "Shared"));
        File.WriteAllText(Path.Combine(Root, "Shared", "Names.cs"), "public static class Names\n{\n    public const string LossHistory = \"loss\";\n}\n");
        Directory.CreateDirectory(Path.Combine(Root, "Lib"));
        File.WriteAllText(Path.Combine(Root, "Lib", "Lib.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>"
            + "<ItemGroup><Compile Include=\"../Shared/Names.cs\" Link=\"Shared/Names.cs\" /></ItemGroup></Project>");
        File.WriteAllText(Path.Combine(Root, "Stray.cs"), "public static class Stray\n{\n    public const string LossHistory = \"loss\";\n}\n");

        var check = await Tool.RunAsync(_dir.Path, "--check", "root");

        Assert.True(check.ExitCode == 2, check.ToString());
        var error = check.Error.Replace('\\', '/');
        Assert.Contains("error: not analysed: root/Stray.cs: 'LossHistory' (line 3) in a C# file outside every project", error);
        Assert.DoesNotContain("Names.cs", error);
        Assert.Contains("root/Lib/Lib.csproj (Lib): does not reference TorchTrainer; skipped", check.Output.Replace('\\', '/'));
        AssertOutsideUntouched();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix file modes: what makes a file read-only here
    public async Task A_read_only_file_is_reported_not_written_and_not_said_to_be_fixed()
    {
        var path = Path.Combine(Root, "locked.dib");
        File.WriteAllText(path, Dib);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var check = await Tool.RunAsync(_dir.Path, "--check", "root");
        Assert.True(check.ExitCode == 1, check.ToString());   // --check writes nothing: the use is found, as anywhere

        var run = await Tool.RunAsync(_dir.Path, "root");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("locked.dib: read-only; not written", run.Error);
        Assert.Contains("[1/1] root/locked.dib: 1 legacy use(s), 0 fixed, file(s) not written", run.Error);
        Assert.Contains("TRN0001: 0 fixed, 1 not fixable", run.Output);
        Assert.Equal(Dib, File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_lone_surrogate_escape_is_exit_2_naming_the_file_and_cell()
    {
        // Valid JSON (Python's json and nbformat read it); not Unicode text.
        var notebook = Ipynb($"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}", $"var s = \"\\ud800\";\n{LegacyUse}")
            .Replace("\\\\ud800", "\\ud800", StringComparison.Ordinal);
        Assert.Contains("\"var s = \\\"\\ud800\\\";\\n\"", notebook);
        File.WriteAllText(Path.Combine(Root, "lone.ipynb"), notebook);
        File.WriteAllText(Path.Combine(Root, "fine.dib"), Dib);

        foreach (var mode in new[] { "--check", "--dry-run", "--verbosity=normal" })
        {
            var run = await Tool.RunAsync(_dir.Path, mode, "root");
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("error: root/lone.ipynb: cell 2: a JSON string holds a lone UTF-16 surrogate escape", run.Error);
        }

        Assert.Equal(notebook, File.ReadAllText(Path.Combine(Root, "lone.ipynb")));
        Assert.Equal(Dib, File.ReadAllText(Path.Combine(Root, "fine.dib")));   // nothing written when an input is unreadable
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task Bytes_that_contradict_a_UTF8_byte_order_mark_are_exit_2_naming_the_file()
    {
        // A Latin-1 'é' (0xE9) after a UTF-8 BOM: read as the compiler reads it, the byte would be replaced, and lost on write.
        static byte[] WithBomAndLatin1(string text) =>
            [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(text.Replace("é", "\u0001", StringComparison.Ordinal)).Select(b => b == 1 ? (byte)0xE9 : b)];
        var dib = WithBomAndLatin1(Dib.Replace("using TorchTrainer;", "using TorchTrainer; // café", StringComparison.Ordinal));
        var app = WithBomAndLatin1($"{RealTorchTrainer.PackageDirective}\n// café\nusing TorchTrainer;\nvar r = {RealTorchTrainer.TwoEpochResults};\n{LegacyUse}\n");
        File.WriteAllBytes(Path.Combine(Root, "report.dib"), dib);
        Directory.CreateDirectory(Path.Combine(Root, "app"));
        File.WriteAllBytes(Path.Combine(Root, "app", "report.cs"), app);

        var notebook = await Tool.RunAsync(_dir.Path, "root/report.dib");
        var scanned = await Tool.RunAsync(_dir.Path, "root/app");
        var named = await Tool.RunAsync(_dir.Path, "root/app/report.cs");

        Assert.True(notebook.ExitCode == 2, notebook.ToString());
        Assert.Contains("error: root/report.dib: cannot be read: it starts with a UTF-8 byte order mark but is not valid UTF-8 (byte ", notebook.Error.Replace('\\', '/'));
        Assert.True(scanned.ExitCode == 2, scanned.ToString());
        Assert.Contains("root/app/report.cs: cannot be read (it starts with a UTF-8 byte order mark but is not valid UTF-8 (byte ", scanned.Error.Replace('\\', '/'));
        Assert.Contains("whether it is a file-based app or holds a legacy use cannot be told", scanned.Error);
        Assert.True(named.ExitCode == 2, named.ToString());
        Assert.Contains("error: root/app/report.cs: cannot be read: it starts with a UTF-8 byte order mark but is not valid UTF-8 (byte ", named.Error.Replace('\\', '/'));
        Assert.Equal(dib, File.ReadAllBytes(Path.Combine(Root, "report.dib")));
        Assert.Equal(app, File.ReadAllBytes(Path.Combine(Root, "app", "report.cs")));
        AssertOutsideUntouched();
    }

    [Theory]
    [InlineData(100)]
    [InlineData(900)]
    public async Task A_deeply_nested_notebook_is_read(int depth)
    {
        var notebook = Ipynb($"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}\n{LegacyUse}")
            .Replace("\"metadata\": {}", $"\"metadata\": {{\"widgets\": {string.Concat(Enumerable.Repeat("[", depth))}1{string.Concat(Enumerable.Repeat("]", depth))}}}", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(Root, "deep.ipynb"), notebook);

        var check = await Tool.RunAsync(_dir.Path, "--check", "root");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task An_absurdly_nested_notebook_is_exit_2_naming_the_file()
    {
        var notebook = Ipynb(LegacyUse).Replace("\"metadata\": {}", $"\"metadata\": {{\"widgets\": {string.Concat(Enumerable.Repeat("[", 5000))}{string.Concat(Enumerable.Repeat("]", 5000))}}}", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(Root, "absurd.ipynb"), notebook);

        var run = await Tool.RunAsync(_dir.Path, "--check", "root");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("error: root/absurd.ipynb: the notebook's JSON nests deeper than 1000 levels", run.Error);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_mistyped_option_is_an_unknown_option_with_a_suggestion_and_exit_2()
    {
        File.WriteAllText(Path.Combine(Root, "inside.dib"), Dib);

        var run = await Tool.RunAsync(_dir.Path, "--chek", "root");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("error: unknown option '--chek'. Did you mean '--check'?", run.Error);
        Assert.Contains("Run 'trainer-migrate --help' for usage.", run.Error);
        Assert.DoesNotContain("no such file or folder", run.Error);
        Assert.Equal(Dib, File.ReadAllText(Path.Combine(Root, "inside.dib")));

        // A file whose name starts with '-' is still a path.
        File.WriteAllText(Path.Combine(Root, "-odd.dib"), Dib);
        var odd = await Tool.RunAsync(Root, "--check", "--", "-odd.dib");
        Assert.True(odd.ExitCode == 1, odd.ToString());
        AssertOutsideUntouched();
    }
}
