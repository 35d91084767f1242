namespace TorchTrainer.Migrate.Tests;

public sealed class FileBasedAppTests
{
    internal static string App(string newLine = "\n") => string.Join(newLine,
        "#!/usr/bin/env dotnet",
        "#:package System.CommandLine@2.0.0",
        "#:property LangVersion=preview",
        "",
        "var r = new TrainingResults();",
        "Console.WriteLine(r.LossHistory[^1]); // keep this comment",
        "Console.WriteLine(r.ValLossHistory.Count);",
        "",
        TestAnalyzers.Stubs.Replace("\n", newLine, StringComparison.Ordinal),
        "");

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Directives_are_kept_byte_for_byte_and_the_code_is_migrated(string newLine)
    {
        using var dir = new TempDir();
        dir.Write("train.cs", App(newLine));

        var run = await Tool.RunAsync(dir.Path, "train.cs");

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = App(newLine).Replace("r.LossHistory[^1]", "r.MetricsSummary.TrainLoss[^1]", StringComparison.Ordinal);
        Assert.Equal(expected, dir.Text("train.cs"));
        Assert.Contains("1 of 1 input(s) analysed completely", run.Output);   // the #:package restored by the SDK

        // ValLossHistory has no fix in the test fixer: reported with file:line and why.
        Assert.Contains("Could not fix", run.Output);
        Assert.Contains("train.cs:7:", run.Output);
        Assert.Contains("offers no rewrite", run.Output);
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
