namespace TorchTrainer.Tests.Notebooks;

/// <summary>
/// In the real notebook kernel, displaying results (its formatter reflects over public properties) is not a
/// legacy use: a later cell's real legacy use still prints its deprecation warning, and in strict mode the
/// display shows no exception dump while a real use still fails with <see cref="LegacyApiException"/>.
/// The kernel loads the TorchTrainer.dll these tests were built against.
/// </summary>
public sealed class NotebookKernelTests : IDisposable
{
    private readonly DirectoryInfo _tools = Directory.CreateTempSubdirectory("kernel-tool-");

    public void Dispose() => _tools.Delete(recursive: true);

    [Fact]
    public void Displaying_results_leaves_the_later_legacy_use_its_warning_and_strict_display_shows_no_exception()
    {
        using var kernel = KernelSession.Start(_tools.FullName, new Dictionary<string, string>());
        var bin = AppContext.BaseDirectory;

        Expect(kernel, kernel.Run($"""
            #r "{Path.Combine(bin, "Microsoft.Extensions.Logging.Abstractions.dll")}"
            #r "{Path.Combine(bin, "TorchTrainer.dll")}"
            """));
        Expect(kernel, kernel.Run("""
            using TorchTrainer;
            var results = TrainingResults.FromMetrics(MetricsSummary.FromRows(new[]
            {
                new Dictionary<string, double> { ["train/loss"] = 2.91, ["val/loss"] = 3.02 },
                new Dictionary<string, double> { ["train/loss"] = 2.50, ["val/loss"] = 2.61 },
            }));
            """));

        var display = Expect(kernel, kernel.Run("results"));
        Assert.Equal("", display.StdErr.ToString()); // no deprecation warning for a display
        Assert.Contains(display.Displayed, html => html.Contains("Train Loss: 2.5000") && html.Contains("Best Epoch: 2"));
        Assert.Contains(display.Displayed, html => html.Contains("MetricsSummary"));

        // Newtonsoft.Json (the kernel's own copy) reflects over public properties too.
        var newtonsoft = Assert.Single(Directory.GetFiles(_tools.FullName, "Newtonsoft.Json.dll", SearchOption.AllDirectories));
        var dump = Expect(kernel, kernel.Run($$"""
            #r "{{newtonsoft}}"
            Console.WriteLine(Newtonsoft.Json.JsonConvert.SerializeObject(results).Contains("LossHistory"));
            """));
        Assert.Equal("False", dump.StdOut.ToString().Trim());
        Assert.Equal("", dump.StdErr.ToString());

        var legacyUse = Expect(kernel, kernel.Run("Console.WriteLine(results.LossHistory[^1]);"));
        Assert.Equal("2.5", legacyUse.StdOut.ToString().Trim());
        Assert.Contains("TrainingResults.LossHistory is deprecated", legacyUse.StdErr.ToString());

        Expect(kernel, kernel.Run("""AppContext.SetSwitch("TorchTrainer.StrictLegacyApi", true);"""));
        var strictDisplay = Expect(kernel, kernel.Run("results"));
        Assert.All(strictDisplay.Displayed, html => Assert.DoesNotContain("LegacyApiException", html));
        Assert.All(strictDisplay.Displayed, html => Assert.True(html.Length < 20_000, $"a {html.Length}-character display"));
        Assert.Equal("", strictDisplay.StdErr.ToString());
        Assert.Null(kernel.Run("Newtonsoft.Json.JsonConvert.SerializeObject(results)").Failure);

        var strictUse = kernel.Run("Console.WriteLine(results.ValLossHistory[^1]);");
        Assert.NotNull(strictUse.Failure);
        Assert.Contains("LegacyApiException", strictUse.Failure);
        Assert.Contains("MetricsSummary.ValLoss", strictUse.Failure);
    }

    private static CellOutput Expect(KernelSession kernel, CellOutput output)
    {
        Assert.True(output.Failure is null, $"The cell failed: {output.Failure}{Environment.NewLine}{kernel.Transcript}");
        return output;
    }
}
