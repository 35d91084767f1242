namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// Code written for v3 compiled against v5.0, where the legacy members are gone: the compiler reports CS1061 and the
/// shipped TRN0001 fix (which also declares CS1061) repairs it; the engine takes the compiler's diagnostic from the same
/// analysis as the analyzers'. v5.0 does not exist yet, so its results types are a double declared in the test code
/// (namespace TorchTrainer, without LossHistory).
/// </summary>
public sealed class CompilerDiagnosticTests
{
    private const string V5Results = """
        namespace TorchTrainer
        {
            public sealed class MetricsSummary
            {
                public System.Collections.Generic.IReadOnlyList<double> TrainLoss { get; } = new double[] { 2.5, 2.0 };
            }

            public sealed class TrainingResults
            {
                public MetricsSummary MetricsSummary { get; } = new MetricsSummary();

                public double FinalLoss => MetricsSummary.TrainLoss[^1];
            }
        }
        """;

    [Fact]
    public async Task A_missing_legacy_member_CS1061_is_found_and_fixed_by_the_shipped_fix()
    {
        using var dir = new TempDir();
        var app = "#:property Nullable=enable\n\nvar r = new TorchTrainer.TrainingResults();\nConsole.WriteLine(r.LossHistory[^1]);\nConsole.WriteLine(r.LossHistory.Count);\n\n" + V5Results + "\n";
        dir.Write("train.cs", app);

        var run = await Tool.RunAsync(dir.Path, "--report", "report.json", "train.cs");

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = app
            .ReplaceOnce("Console.WriteLine(r.LossHistory[^1]);", "Console.WriteLine(r.FinalLoss);")
            .ReplaceOnce("Console.WriteLine(r.LossHistory.Count);", "Console.WriteLine(r.MetricsSummary.TrainLoss.Count);");
        Assert.Equal(expected, dir.Text("train.cs"));
        using var json = System.Text.Json.JsonDocument.Parse(dir.Text("report.json"));
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(("CS1061", "fixed"), (f.GetProperty("rule_id").GetString(), f.GetProperty("status").GetString())));
    }
}
