using System.Text.Json;
using TorchTrainer.TestSupport;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// <c>--to-file-based</c> as a command: what it writes, where, what it refuses and its exit codes. The converted apps
/// are built and run, with TorchTrainer's legacy uses fixed, in RealAnalyzers/ToFileBasedAppTests.
/// </summary>
public sealed class ToFileBasedTests
{
    /// <summary>An .ipynb whose cells are given as (kernel, source); "markdown" makes a markdown cell.</summary>
    internal static string Ipynb(params (string Kernel, string Source)[] cells) => JsonSerializer.Serialize(new
    {
        cells = cells.Select(c => c.Kernel == "markdown"
            ? (object)new { cell_type = "markdown", metadata = new { }, source = Lines(c.Source) }
            : new
            {
                cell_type = "code",
                execution_count = 1,
                metadata = new { polyglot_notebook = new { kernelName = c.Kernel } },
                outputs = new object[] { new { name = "stdout", output_type = "stream", text = new[] { "an output the notebook kept\n" } } },
                source = Lines(c.Source),
            }),
        metadata = new { polyglot_notebook = new { kernelInfo = new { defaultKernelName = "csharp" } } },
        nbformat = 4,
        nbformat_minor = 2,
    }, new JsonSerializerOptions { WriteIndented = true });

    private static string[] Lines(string source)
    {
        var lines = source.Split('\n');
        return lines.Select((line, i) => i < lines.Length - 1 ? line + "\n" : line).ToArray();
    }

    // A type of the notebook's own that happens to be named like TorchTrainer's, declared in a cell as scripts allow.
    private const string LegacyCell = """
        class TrainingResults { public List<double> LossHistory { get; } = new() { 2.91, 2.5 }; }
        var r = new TrainingResults();
        Console.WriteLine(r.LossHistory[^1]);
        """;

    [Fact]
    public async Task Writes_NAME_cs_next_to_the_notebook_fixed_and_never_changes_the_notebook()
    {
        using var dir = new TempDir();
        var notebook = Ipynb(("markdown", "# Report\nSee `r.LossHistory`."), ("csharp", LegacyCell));
        dir.Write("nb/report.ipynb", notebook);

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "nb");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("wrote: " + Path.Combine("nb", "report.cs"), run.Output);
        Assert.Equal(notebook, dir.Text("nb/report.ipynb"));
        var app = dir.Text("nb/report.cs");
        Assert.Contains("#:property ImplicitUsings=disable", app);
        Assert.Contains("// # Report\n// See `r.LossHistory`.\n", app);
        // The notebook's own class named TrainingResults is not TorchTrainer's: the shipped analyzers leave its member alone.
        Assert.Contains("Console.WriteLine(r.LossHistory[^1]);", app);
        // The class moved after the statements, where C# wants type declarations next to top-level code.
        Assert.True(app.IndexOf("class TrainingResults {", StringComparison.Ordinal) > app.IndexOf("Console.WriteLine(r.", StringComparison.Ordinal), app);
        Assert.Contains("// class TrainingResults: declared at the end of this file (C# wants types after the top-level statements)\nvar r = new TrainingResults();", app);
    }

    [Fact]
    public async Task A_second_run_keeps_the_existing_app_unless_force_and_check_exits_1_only_while_an_app_is_missing()
    {
        using var dir = new TempDir();
        dir.Write("a.ipynb", Ipynb(("csharp", "Console.WriteLine(1);")));
        dir.Write("b.dib", "#!csharp\nConsole.WriteLine(2);\n");

        var check = await Tool.RunAsync(dir.Path, "--to-file-based", "--check", ".");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.False(File.Exists(Path.Combine(dir.Path, "a.cs")));

        var first = await Tool.RunAsync(dir.Path, "--to-file-based", ".");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("2 app(s) written", first.Output);
        var converted = dir.Text("b.cs");
        File.AppendAllText(Path.Combine(dir.Path, "a.cs"), "// edited by hand\n");
        var edited = dir.Text("a.cs");

        var second = await Tool.RunAsync(dir.Path, "--to-file-based", ".");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("exists: a.cs (from a.ipynb); not overwritten (--force replaces it)", second.Output);
        Assert.Equal(edited, dir.Text("a.cs"));

        var recheck = await Tool.RunAsync(dir.Path, "--to-file-based", "--check", ".");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());

        var forced = await Tool.RunAsync(dir.Path, "--to-file-based", "--force", "a.ipynb");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.DoesNotContain("edited by hand", dir.Text("a.cs"));
        Assert.Equal(converted, dir.Text("b.cs"));
    }

    [Fact]
    public async Task Dry_run_prints_the_app_and_writes_nothing_and_out_writes_elsewhere()
    {
        using var dir = new TempDir();
        dir.Write("nb/x.ipynb", Ipynb(("csharp", "var answer = 42;\nanswer")));

        var dry = await Tool.RunAsync(dir.Path, "--to-file-based", "--dry-run", "nb/x.ipynb");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("var answer = 42;\ndisplay(answer);\n", dry.Output);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "nb"), "*.cs"));

        var out_ = await Tool.RunAsync(dir.Path, "--to-file-based", "--out", "apps", "nb/x.ipynb");
        Assert.True(out_.ExitCode == 0, out_.ToString());
        Assert.Contains("display(answer);", dir.Text("apps/x.cs"));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "nb"), "*.cs"));
    }

    [Fact]
    public async Task What_cannot_be_converted_exits_2_naming_the_cell_and_the_reason()
    {
        using var dir = new TempDir();
        dir.Write("broken.ipynb", Ipynb(("csharp", "Console.WriteLine(1);"), ("csharp", "var x = ;")));
        dir.Write("dll.ipynb", Ipynb(("csharp", "#r \"lib/My.dll\"\nConsole.WriteLine(1);")));
        dir.Write("bad.ipynb", "{ not json");

        var broken = await Tool.RunAsync(dir.Path, "--to-file-based", "broken.ipynb");
        Assert.True(broken.ExitCode == 2, broken.ToString());
        Assert.Contains("broken.ipynb: could not convert: C# that does not parse: cell 2 line 1, column 9: error CS1525", broken.Error);
        Assert.False(File.Exists(Path.Combine(dir.Path, "broken.cs")));

        var dll = await Tool.RunAsync(dir.Path, "--to-file-based", "dll.ipynb");
        Assert.True(dll.ExitCode == 2, dll.ToString());
        Assert.Contains("dll.ipynb: could not convert completely (left as a comment in dll.cs): cell 1: #r \"lib/My.dll\": a file-based app cannot reference an assembly file", dll.Error);
        Assert.Contains("// NOT CONVERTED: #r \"lib/My.dll\"", dir.Text("dll.cs"));

        var bad = await Tool.RunAsync(dir.Path, "--to-file-based", "bad.ipynb");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("bad.ipynb: could not convert: malformed notebook JSON", bad.Error);

        var notNotebooks = await Tool.RunAsync(dir.Path, "--out", "x", "broken.ipynb");
        Assert.True(notNotebooks.ExitCode == 2, notNotebooks.ToString());
        Assert.Contains("--out and --force go with --to-file-based", notNotebooks.Error);
    }

    [Fact]
    public async Task Non_CSharp_cells_and_unknown_magics_are_left_as_comments_and_listed()
    {
        using var dir = new TempDir();
        dir.Write("mixed.dib", """
            #!meta

            {"kernelInfo":{"defaultKernelName":"csharp","items":[{"name":"csharp"},{"name":"fsharp"}]}}

            #!markdown

            ## Mixed

            #!csharp

            #!who
            Console.WriteLine("C#");

            #!fsharp

            printfn "F#"

            #!javascript

            console.log("js")

            #!mermaid

            graph TD; A-->B

            """);

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "mixed.dib");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("left out: cell 3 (F#), cell 4 (JavaScript), cell 5 (Mermaid)", run.Output);
        Assert.Contains("magic left as a comment: cell 2: #!who", run.Output);
        var app = dir.Text("mixed.cs");
        Assert.Contains("// ## Mixed\n\n// #!who    (a notebook magic command; a file-based app has no equivalent)\nConsole.WriteLine(\"C#\");\n", app);
        Assert.Contains("// Cell 3 is F#, left out: a C# file-based app runs C# only. Its code was:\n// printfn \"F#\"\n", app);
        Assert.DoesNotContain("kernelInfo", app);
    }

    [Fact]
    public async Task An_import_an_app_cannot_include_is_not_converted_and_named_with_the_reason()
    {
        using var dir = new TempDir();
        dir.Write("Statements.cs", "Console.WriteLine(\"runs\");\n");
        dir.Write("Kernel.cs", "using Microsoft.DotNet.Interactive;\n\npublic static class Ask { }\n");
        dir.Write("other.ipynb", Ipynb(("csharp", "var x = 1;")));
        dir.Write("imports.ipynb", Ipynb(
            ("csharp", "#!import Statements.cs\n#!import Kernel.cs\n#!import other.ipynb\n#!import Missing.cs"),
            ("csharp", "Console.WriteLine(1);")));

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "imports.ipynb");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cell 1: #!import Statements.cs: the file runs statements", run.Error);
        Assert.Contains("cell 1: #!import Kernel.cs: the file uses the kernel's API (Microsoft.DotNet.Interactive)", run.Error);
        Assert.Contains("cell 1: #!import other.ipynb: an imported notebook or script runs its cells", run.Error);
        Assert.Contains("cell 1: #!import Missing.cs: cannot be read", run.Error);
        Assert.DoesNotContain("\n#:include ", dir.Text("imports.cs")); // each import is a NOT CONVERTED comment
    }

    [Fact]
    public async Task A_kernel_the_notebook_connects_is_left_out_like_any_other_language_not_read_as_CSharp()
    {
        // As dotnet/interactive's samples do: #!connect adds a kernel (mssql: sql-NAME, kql: kql-NAME, others: NAME)
        // whose cells are SQL or KQL; read as C#, they "did not parse" and the notebook could not be converted.
        using var dir = new TempDir();
        dir.Write("sales.ipynb", Ipynb(
            ("csharp", "var connection = \"Server=.;Database=Sales\";"),
            ("csharp", "#!connect mssql --kernel-name sales @csharp:connection"),
            ("csharp", "#!sql-sales\nselect * from Orders o left join Customers c on o.CustomerId = c.Id\n  where c.Country = 'NO'"),
            ("csharp", "#!connect kql --kernel-name=logs --cluster https://help.kusto.windows.net --database Samples"),
            ("csharp", "#!kql-logs\nStormEvents | take 10"),
            ("csharp", "Console.WriteLine(connection.Length);")));

        var check = await Tool.RunAsync(dir.Path, "--check", "sales.ipynb");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.DoesNotContain("unknown magic", check.Output);

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "sales.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("left out: cell 3 (sql-sales), cell 5 (kql-logs)", run.Output);
        var app = dir.Text("sales.cs");
        Assert.Contains("Console.WriteLine(connection.Length);", app);
        Assert.Contains("// select * from Orders o left join Customers c on o.CustomerId = c.Id", app);
    }

    [Fact]
    public async Task Variables_and_classes_a_later_cell_declares_again_are_renamed_and_the_app_builds_and_runs()
    {
        using var dir = new TempDir();
        dir.Write("cells.ipynb", Ipynb(
            ("csharp", "var t = 1;\nclass Box { public int V = 1; }\nConsole.WriteLine(t + new Box().V)"),
            ("csharp", "using Microsoft.DotNet.Interactive.Formatting;\nFormatter.Register<int>(i => i.ToString());\nvar t = \"two\";\nclass Box { public string V = \"-box\"; }\nConsole.WriteLine(t + new Box().V);"),
            ("csharp", "var lengths = new[] { \"a\" }.Select(t => t.Length);\nfor (var i = 0; i < 1; i++) { var t = 5; Console.WriteLine(t * 2); }\nt.Length")));

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "cells.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("declared again, renamed: Box → Box_2 (cell 2)", run.Output);
        Assert.Contains("declared again, renamed: t → t_2 (cell 2)", run.Output);
        Assert.Contains("kernel API left as a comment: cell 2: using Microsoft.DotNet.Interactive.Formatting;", run.Output);
        var app = dir.Text("cells.cs");
        Assert.Contains("var t_2 = \"two\";", app);
        Assert.Contains("Console.WriteLine(t_2 + new Box_2().V);", app);
        Assert.Contains(".Select(t => t.Length);\n", app);   // a lambda's own t stays t
        Assert.Contains("{ var t_inner = 5; Console.WriteLine(t_inner * 2); }\ndisplay(t_2.Length);", app);   // a block's t would clash (CS0136)
        Assert.Contains("class Box_2 { public string V = \"-box\"; }", app);
        Assert.Contains("// kernel display setup, not needed in an app: Formatter.Register<int>(i => i.ToString());", app);
        Assert.DoesNotContain("using Microsoft.DotNet.Interactive", app);

        var output = ChildProcess.Run(ChildProcess.Dotnet(), dir.Path, ["run", "cells.cs"], new Dictionary<string, string>(), TimeSpan.FromMinutes(5), expectSuccess: false);
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Equal("2\ntwo-box\n10\n3\n", output.StdOut.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ScottPlot_plot_the_notebook_drew_inline_is_saved_as_a_png_next_to_the_app_and_its_path_printed()
    {
        using var dir = new TempDir();
        dir.Write("nb/plots.ipynb", Ipynb(
            ("csharp", "#r \"nuget: ScottPlot, 5.1.59\"\nvar plot = new ScottPlot.Plot();\nplot.Add.Scatter(new double[] { 1, 2, 3 }, new double[] { 2.9, 2.5, 2.2 });\nplot")));

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "nb/plots.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("public static void display(ScottPlot.Plot plot)", dir.Text("nb/plots.cs"));
        // Run from another folder: the picture still lands next to the app.
        var output = ChildProcess.Run(ChildProcess.Dotnet(), dir.Path, ["run", "nb/plots.cs"], new Dictionary<string, string>(), TimeSpan.FromMinutes(5), expectSuccess: false);
        Assert.True(output.ExitCode == 0, output.ToString());
        var png = Path.Combine(dir.Path, "nb", "plot-1.png");
        Assert.Contains($"Plot: {png}", output.StdOut);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
    }

    [Fact]
    public async Task A_package_without_a_version_is_pinned_from_the_sources_of_every_nuget_config_above_the_notebook()
    {
        using var dir = new TempDir();
        // The feed is named by the parent folder's nuget.config; the notebook's own folder has a nuget.config too (as a
        // repository's subfolder may), which adds nothing. NuGet, the kernel and the analysis read both; the version
        // pinned must come from the same sources (the feed's latest stable TorchTrainer).
        Fixtures.RealTorchTrainer.WriteNuGetConfig(dir.Path);
        dir.Write("nb/nuget.config", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources />\n</configuration>\n");
        dir.Write("nb/report.ipynb", Ipynb(("csharp", "#r \"nuget: TorchTrainer\"\nConsole.WriteLine(typeof(TorchTrainer.TrainingResults).Name);")));

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "nb/report.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        var latest = Fixtures.RealTorchTrainer.StableVersions.Max(Version.Parse)!.ToString();
        Assert.Contains($"#:package TorchTrainer@{latest}\n", dir.Text("nb/report.cs"));
        Assert.Contains($"TorchTrainer: no version in the notebook (the kernel takes the latest stable); NuGet resolves it to {latest} today, which the app pins", run.Output);
    }

    [Fact]
    public async Task A_package_without_a_version_is_pinned_to_what_NuGet_resolves_and_floating_forms_are_kept()
    {
        using var dir = new TempDir();
        dir.Write("versions.ipynb", Ipynb(
            ("csharp", "#r \"nuget: DiffPlex\"\n#r \"nuget: Newtonsoft.Json, *-*\"\nvar diff = DiffPlex.Differ.Instance.CreateLineDiffs(\"a\", \"b\", false);\nConsole.WriteLine(diff.DiffBlocks.Count);\nConsole.WriteLine(typeof(Newtonsoft.Json.JsonConvert).Name);")));

        var run = await Tool.RunAsync(dir.Path, "--to-file-based", "versions.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        var app = dir.Text("versions.cs");
        // The kernel restores a versionless reference as the latest stable version; #:package needs one (NU1015).
        var pinned = System.Text.RegularExpressions.Regex.Match(app, @"#:package DiffPlex@(\d+\.\d+\.\d+)\n");
        Assert.True(pinned.Success, app);
        Assert.Contains($"DiffPlex: no version in the notebook (the kernel takes the latest stable); NuGet resolves it to {pinned.Groups[1].Value} today, which the app pins", run.Output);
        Assert.Contains("#:package Newtonsoft.Json@*-*\n", app);
        var output = ChildProcess.Run(ChildProcess.Dotnet(), dir.Path, ["run", "versions.cs"], new Dictionary<string, string>(), TimeSpan.FromMinutes(5), expectSuccess: false);
        Assert.True(output.ExitCode == 0, output.ToString());
        Assert.Equal("1\nJsonConvert\n", output.StdOut.Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
