using TorchTrainer.Migrate.Tests.Fixtures;
using static TorchTrainer.Migrate.Tests.Gate.GateInputs;

namespace TorchTrainer.Migrate.Tests.Gate;

/// <summary>
/// Issue 8: notebook cells are analysed with the kernel's semantics. A <c>using</c> written in a later cell applies to
/// the cells after it (joined into one compilation unit it used to have no effect and hid every use); unknown magic
/// commands are reported, not silently dropped.
/// </summary>
public sealed class KernelSemanticsTests
{
    [Fact]
    public async Task A_using_in_a_later_ipynb_cell_does_not_hide_the_legacy_uses_after_it()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        string[] cells =
        [
            $"#r \"nuget: TorchTrainer, {RealTorchTrainer.PackageVersion}\"\nvar greeting = \"hello\";\nConsole.WriteLine(greeting);",
            $"using TorchTrainer;\n{Results}\n{LegacyUse}",
            "using System.Globalization;\nvar val = r.ValLossHistory;",
        ];
        dir.Write("late.ipynb", Ipynb(cells));

        var check = await Tool.RunAsync(dir.Path, "--check", "late.ipynb");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("2 legacy use(s) found", check.Output);

        var migrate = await Tool.RunAsync(dir.Path, "late.ipynb");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(
            [cells[0], $"using TorchTrainer;\n{Results}\n{MigratedUse}", "using System.Globalization;\nvar val = r.MetricsSummary.ValLoss;"],
            Cells(dir.Text("late.ipynb")));

        var after = await Tool.RunAsync(dir.Path, "--check", "late.ipynb");
        Assert.True(after.ExitCode == 0, after.ToString());
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_using_in_a_later_dib_section_does_not_hide_the_legacy_uses_after_it()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        var dib = $"""
            #!csharp

            #r "nuget: TorchTrainer, {RealTorchTrainer.PackageVersion}"
            var greeting = "hello";
            greeting

            #!markdown

            Uses `r.LossHistory` below.

            #!csharp

            using TorchTrainer;
            {Results}
            {LegacyUse}

            """;
        dir.Write("late.dib", dib);

        var check = await Tool.RunAsync(dir.Path, "--check", "late.dib");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);

        var migrate = await Tool.RunAsync(dir.Path, "late.dib");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(dib.Replace(LegacyUse, MigratedUse, StringComparison.Ordinal), dir.Text("late.dib"));
        outside.AssertUntouched();
    }

    [Theory]
    [InlineData("ipynb")]
    [InlineData("dib")]
    public async Task A_package_referenced_in_a_cell_of_its_own_applies_to_the_cells_after_it(string format)
    {
        // The usual first cell of a notebook: the #r alone. It was skipped with the cells that hold no C#, so TorchTrainer
        // was not referenced and every later use was "not analysed".
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        var reference = $"#r \"nuget: TorchTrainer, {RealTorchTrainer.PackageVersion}\"";
        var code = $"using TorchTrainer;\n{Results}\n{LegacyUse}";
        var text = format == "ipynb" ? Ipynb(reference, code) : $"#!csharp\n\n{reference}\n\n#!csharp\n\n{code}\n";
        dir.Write($"report.{format}", text);

        var check = await Tool.RunAsync(dir.Path, "--check", $"report.{format}");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);

        var migrate = await Tool.RunAsync(dir.Path, $"report.{format}");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        var after = await Tool.RunAsync(dir.Path, "--check", $"report.{format}");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains(MigratedUse, dir.Text($"report.{format}"));
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_CSharp_file_the_notebook_imports_is_compiled_before_the_cells_after_it_and_checked_and_fixed_with_them()
    {
        // As Semantic Kernel's notebooks import config/Settings.cs: the kernel runs the file before the cells after it,
        // its types and usings apply there, and its legacy uses are the notebook's to fix.
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        const string report = "using TorchTrainer;\n\npublic static class Report\n{\n    public static double Last(TrainingResults r) => r.LossHistory[^1];\n}\n";
        dir.Write("lib/Report.cs", report);
        string[] cells = [$"{RealTorchTrainer.NotebookReference}\n#!import lib/Report.cs", $"{Results}\nConsole.WriteLine(Report.Last(r));\n{LegacyUse}"];
        dir.Write("report.ipynb", Ipynb(cells));

        var check = await Tool.RunAsync(dir.Path, "--check", "report.ipynb");
        Assert.True(check.ExitCode == 1, check.ToString()); // `using TorchTrainer;` only in the imported file: the cells still bind
        Assert.Contains("2 legacy use(s) found", check.Output);

        var migrate = await Tool.RunAsync(dir.Path, "report.ipynb");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Equal(report.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), dir.Text("lib/Report.cs"));
        Assert.Equal([cells[0], cells[1].Replace(LegacyUse, MigratedUse, StringComparison.Ordinal)], Cells(dir.Text("report.ipynb")));
        var after = await Tool.RunAsync(dir.Path, "--check", "report.ipynb");
        Assert.True(after.ExitCode == 0, after.ToString());
        outside.AssertUntouched();
    }

    [Fact]
    public async Task An_unknown_magic_is_reported_with_its_cell_and_the_cell_is_still_analysed()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        dir.Write("magic.ipynb", Ipynb(
            $"#r \"nuget: TorchTrainer, {RealTorchTrainer.PackageVersion}\"\nusing TorchTrainer;\n{Results}",
            $"#!time\n#!frobnicate --fast\n{LegacyUse}"));

        var check = await Tool.RunAsync(dir.Path, "--check", "magic.ipynb");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("warning: magic.ipynb: unknown magic command #!frobnicate (cell 2, line 2)", check.Output);
        Assert.DoesNotContain("#!time", check.Output);   // a .NET Interactive magic: nothing to say
        Assert.Contains("1 legacy use(s) found", check.Output);
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_legacy_name_on_a_value_of_unknown_type_is_not_analysed()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        dir.Write("report.ipynb", Ipynb($"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}", LegacyUse, "var other = LoadFromAnotherNotebook();\nConsole.WriteLine(other.ValLossHistory[^1]);"));

        var check = await Tool.RunAsync(dir.Path, "--check", ".");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);   // the use on TorchTrainer's results is still found
        Assert.Contains("'ValLossHistory' does not bind", check.Error);
        Assert.Contains("(cell 3, line 2)", check.Error);
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_legacy_name_read_through_dynamic_is_not_analysed()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        // The analyzers leave dynamic alone (the shim answers it until v5.0); the gate must not pass it as clean.
        dir.Write("report.ipynb", Ipynb($"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}", "dynamic d = r;\nConsole.WriteLine(d.LossHistory[0]);\nConsole.WriteLine(d[\"val_loss_history\"]);"));

        var check = await Tool.RunAsync(dir.Path, "--check", ".");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("'LossHistory' is read through dynamic", check.Error);
        Assert.Contains("'\"val_loss_history\"' is read through dynamic", check.Error);
        Assert.Contains("0 of 1 input(s) analysed completely", check.Output);
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_legacy_name_in_an_FSharp_or_PowerShell_cell_is_not_analysed_not_passed()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        // Both kernels run on .NET and can read the C# cell's results (#!share) or reference TorchTrainer themselves;
        // the C# analyzers see neither. Prose in a markdown section is not code.
        string[] cells =
        [
            $"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}\n{MigratedUse}",
            "#!fsharp\n#!share --from csharp r\nprintfn \"%f\" r.LossHistory.[0]",
        ];
        dir.Write("polyglot.ipynb", Ipynb(cells));
        var dib = $"""
            #!csharp

            {RealTorchTrainer.NotebookReference}
            using TorchTrainer;
            {Results}

            #!markdown

            `r.LossHistory` became `r.MetricsSummary.TrainLoss`.

            #!pwsh

            #!share --from csharp r
            $r["val_loss_history"]

            """;
        dir.Write("polyglot.dib", dib);

        var check = await Tool.RunAsync(dir.Path, "--check", ".");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: polyglot.ipynb:", check.Error);
        Assert.Contains("(cell 2, line 3): 'LossHistory' in F# code: trainer-migrate and the TorchTrainer analyzers read C# only", check.Error);
        Assert.Contains("error: not analysed: polyglot.dib:14: '\"val_loss_history\"' in PowerShell code", check.Error);
        Assert.DoesNotContain("polyglot.dib:9:", check.Error); // the markdown section
        Assert.Contains("0 of 2 input(s) analysed completely", check.Output);
        Assert.Equal(cells, Cells(dir.Text("polyglot.ipynb")));
        Assert.Equal(dib, dir.Text("polyglot.dib"));
        outside.AssertUntouched();
    }

    [Fact]
    public async Task A_legacy_name_in_a_script_the_notebook_loads_or_a_notebook_it_imports_is_not_analysed_not_passed()
    {
        using var dir = new TempDir();
        using var outside = new Bystander(dir.Path);
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        const string helpers = "double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n";
        dir.Write("helpers.csx", helpers);
        dir.Write("shared.dib", $"#!csharp\n\nvar best = r[\"val_loss_history\"];\n");
        dir.Write("report.ipynb", Ipynb($"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}",
            "#load \"helpers.csx\"\n#load \"gone.csx\"\nConsole.WriteLine(r.FinalLoss);", "#!import shared.dib"));

        var check = await Tool.RunAsync(dir.Path, "--check", "report.ipynb");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("(cell 2, line 1): 'LossHistory' in helpers.csx:1, a script the notebook #loads", check.Error);
        Assert.Contains("(cell 2, line 2): #load \"gone.csx\" cannot be read", check.Error);
        Assert.Contains("(cell 3, line 1): '\"val_loss_history\"' in shared.dib:3, a notebook this one #!imports", check.Error);
        Assert.Equal(helpers, dir.Text("helpers.csx"));

        // The script migrated by hand and the missing one dropped: nothing is left.
        dir.Write("helpers.csx", helpers.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"));
        File.Delete(Path.Combine(dir.Path, "shared.dib"));
        dir.Write("report.ipynb", Ipynb($"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{Results}", "#load \"helpers.csx\"\nConsole.WriteLine(r.FinalLoss);"));
        var recheck = await Tool.RunAsync(dir.Path, "--check", "report.ipynb");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
        outside.AssertUntouched();
    }
}
