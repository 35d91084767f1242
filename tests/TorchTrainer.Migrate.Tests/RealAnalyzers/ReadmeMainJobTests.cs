namespace TorchTrainer.Migrate.Tests.RealAnalyzers;

/// <summary>
/// The README's main job, <c>dotnet run --project src/TorchTrainer.Migrate -c Release -- --dry-run src/Samples/LegacyTraining</c>,
/// run with the same arguments on the repository's sample (the tool in process, its shipped analyzers and fixes): it
/// exits 0, prints this diff of the sample's v3 report block and the summary, and changes nothing.
/// </summary>
public sealed class ReadmeMainJobTests
{
    private const string Command = "dotnet run --project src/TorchTrainer.Migrate -c Release -- --dry-run src/Samples/LegacyTraining";

    private const string Diff = """
        --- a/src/Samples/LegacyTraining/Program.cs
        +++ b/src/Samples/LegacyTraining/Program.cs
        @@ -46,10 +46,10 @@
         // ---- the v3 report: this is the block that crashed after 166 minutes when the field was renamed ----
         Console.WriteLine($"✅ Training finished in {results.TrainingTime.TotalSeconds:F1}s ({results.TrainingTime.TotalMinutes:F1} min)");
         Console.WriteLine("📊 Final Metrics:");
        -Console.WriteLine($"   Train Loss: {results.LossHistory[^1]:F4}");
        -Console.WriteLine($"   Val Loss: {results.ValLossHistory[^1]:F4}");
        -Console.WriteLine($"   Perplexity: {Math.Exp(results.ValLossHistory[^1]):F2}");
        -var bestEpoch = results.ValLossHistory.ToList().IndexOf(results.ValLossHistory.Min()) + 1;
        +Console.WriteLine($"   Train Loss: {results.FinalLoss:F4}");
        +Console.WriteLine($"   Val Loss: {results.MetricsSummary.ValLoss[^1]:F4}");
        +Console.WriteLine($"   Perplexity: {Math.Exp(results.MetricsSummary.ValLoss[^1]):F2}");
        +var bestEpoch = results.MetricsSummary.ValLoss.ToList().IndexOf(results.MetricsSummary.ValLoss.Min()) + 1;
         Console.WriteLine($"   Best Epoch: {bestEpoch}");
         Console.WriteLine($"Results: {Path.GetFullPath(Path.Combine(output, "results.json"))}");
         Console.WriteLine($"Loss curve: {lossCurve.ImagePath ?? "not drawn (no finite loss)"}");

        """;

    [Fact]
    public async Task The_main_job_prints_the_samples_migration_diff_exits_0_and_writes_nothing()
    {
        Assert.Contains(Command, File.ReadAllText(Path.Combine(Repository.Root, "README.md")));
        var program = Path.Combine(Repository.Root, "src", "Samples", "LegacyTraining", "Program.cs");
        var before = File.ReadAllBytes(program);

        var run = await Tool.RunAsync(Repository.Root, "--dry-run", "src/Samples/LegacyTraining");

        Assert.True(run.ExitCode == 0, run.ToString());
        var output = run.Output.ReplaceLineEndings("\n");
        Assert.StartsWith(Diff, output, StringComparison.Ordinal);
        Assert.Contains("1 file(s) would change, 5 legacy use(s) found", output);
        Assert.Contains("TRN0001: 5 fixable, 0 not fixable", output);
        Assert.Equal(before, File.ReadAllBytes(program));
    }
}
