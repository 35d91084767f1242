using TorchTrainer.Migrate.Tests.Fixtures;

namespace TorchTrainer.Migrate.Tests;

public sealed class FileBasedAppTests
{
    /// <summary>
    /// A file-based app on the real TorchTrainer (a package in the folder <see cref="RealTorchTrainer.WriteNuGetConfig"/>
    /// names), with a shebang, a second package, a property, and two legacy reads.
    /// </summary>
    internal static string App(string newLine = "\n") => string.Join(newLine,
        "#!/usr/bin/env dotnet",
        RealTorchTrainer.PackageDirective,
        "#:package System.CommandLine@2.0.0",
        "#:property LangVersion=preview",
        "using TorchTrainer;",
        "",
        $"var r = {RealTorchTrainer.TwoEpochResults};",
        "Console.WriteLine(r.LossHistory[^1]); // keep this comment",
        "Console.WriteLine(r.ValLossHistory.Count);",
        "");

    /// <summary><see cref="App"/> as the shipped fixes leave it (written out, not computed from the product).</summary>
    internal static string MigratedApp(string newLine = "\n") => string.Join(newLine,
        "#!/usr/bin/env dotnet",
        RealTorchTrainer.PackageDirective,
        "#:package System.CommandLine@2.0.0",
        "#:property LangVersion=preview",
        "using TorchTrainer;",
        "",
        $"var r = {RealTorchTrainer.TwoEpochResults};",
        "Console.WriteLine(r.FinalLoss); // keep this comment",
        "Console.WriteLine(r.MetricsSummary.ValLoss.Count);",
        "");

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Directives_are_kept_byte_for_byte_and_the_code_is_migrated(string newLine)
    {
        using var dir = new TempDir();
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        dir.Write("train.cs", App(newLine));

        var run = await Tool.RunAsync(dir.Path, "--report", "report.json", "train.cs");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(MigratedApp(newLine), dir.Text("train.cs"));
        Assert.Contains("1 of 1 input(s) analysed completely", run.Output); // both packages restored by the SDK
        Assert.DoesNotContain("TorchTrainer@", run.Output); // the real TorchTrainer resolved
        Assert.Contains("2 legacy use(s) found", run.Output);
    }

    [Fact]
    public async Task Debug_and_Release_are_both_analysed_and_code_neither_compiles_is_not_analysed()
    {
        // dotnet run app.cs builds Debug, dotnet publish Release, for the SDK's target framework: a legacy read under
        // #if DEBUG (or NET8_0_OR_GREATER && RELEASE) runs; one under NETFRAMEWORK never compiles here and is named.
        using var dir = new TempDir();
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        var app = string.Join("\n",
            RealTorchTrainer.PackageDirective,
            "using TorchTrainer;",
            $"var r = {RealTorchTrainer.TwoEpochResults};",
            "#if DEBUG",
            "Console.WriteLine(r.LossHistory[^1]);",
            "#endif",
            "#if NET8_0_OR_GREATER && RELEASE",
            "Console.WriteLine(r.ValLossHistory.Count);",
            "#endif",
            "");
        dir.Write("train.cs", app);

        var check = await Tool.RunAsync(dir.Path, "--check", "train.cs");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("2 legacy use(s) found", check.Output);

        var apply = await Tool.RunAsync(dir.Path, "train.cs");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var migrated = app.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss").ReplaceOnce("r.ValLossHistory.Count", "r.MetricsSummary.ValLoss.Count");
        Assert.Equal(migrated, dir.Text("train.cs"));

        dir.Write("train.cs", migrated + "#if NETFRAMEWORK\nConsole.WriteLine(r.LossHistory);\n#endif\n");
        var inactive = await Tool.RunAsync(dir.Path, "--check", "train.cs");
        Assert.True(inactive.ExitCode == 2, inactive.ToString());
        Assert.Contains("error: not analysed: train.cs:11: inactive under every configuration (Debug|net10.0, Release|net10.0): 'LossHistory'", inactive.Error);
    }

    [Fact]
    public async Task The_files_an_app_includes_are_checked_and_fixed_with_it_and_one_outside_its_folder_is_not_written()
    {
        // #:include (SDK 10.0.300+) compiles other files into the app, globs expanded: `dotnet build app.cs` warns
        // TRN0001 in them, so a check of the app that passed them would be a false pass.
        using var dir = new TempDir();
        RealTorchTrainer.WriteNuGetConfig(dir.Path);
        const string helper = "using TorchTrainer;\n\nstatic class Report\n{\n    public static double Last(TrainingResults r) => r.LossHistory[^1];\n}\n";
        const string shared = "using TorchTrainer;\n\nstatic class Shared\n{\n    public static int Count(TrainingResults r) => r.ValLossHistory.Count;\n}\n";
        dir.Write("app/lib/Report.cs", helper);
        dir.Write("shared/Shared.cs", shared);
        var app = string.Join("\n",
            RealTorchTrainer.PackageDirective,
            "#:include lib/*.cs",
            "using TorchTrainer;",
            $"var r = {RealTorchTrainer.TwoEpochResults};",
            "Console.WriteLine(Report.Last(r));",
            "");
        dir.Write("app/train.cs", app);

        var check = await Tool.RunAsync(dir.Path, "--check", "app/train.cs");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);
        Assert.Contains("2 file(s) analysed", check.Output);
        var folder = await Tool.RunAsync(dir.Path, "--check", "app"); // lib/Report.cs is the app's, not a loose file nothing analyses
        Assert.True(folder.ExitCode == 1, folder.ToString());
        Assert.Contains("1 of 1 input(s) analysed completely", folder.Output);

        var apply = await Tool.RunAsync(dir.Path, "app/train.cs");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(helper.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), dir.Text("app/lib/Report.cs"));
        Assert.Equal(app, dir.Text("app/train.cs"));

        // A file outside the app's folder is analysed with it, but the app does not own it: named, not written.
        dir.Write("app/train.cs", app.ReplaceOnce("#:include lib/*.cs", "#:include lib/*.cs\n#:include ../shared/Shared.cs"));
        var outside = await Tool.RunAsync(dir.Path, "app/train.cs");
        Assert.True(outside.ExitCode == 2, outside.ToString());
        Assert.Contains("Shared.cs: outside the given paths; not written", outside.Error);
        Assert.Equal(shared, dir.Text("shared/Shared.cs"));
    }

    [Fact]
    public async Task A_cs_file_without_directives_is_refused()
    {
        using var dir = new TempDir();
        dir.Write("plain.cs", "class C { }\n");

        var run = await Tool.RunAsync(dir.Path, "plain.cs");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("plain.cs", run.Error);
        Assert.Contains("not a file-based app", run.Error);
    }
}
