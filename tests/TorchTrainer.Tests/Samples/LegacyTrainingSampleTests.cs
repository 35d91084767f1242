using System.Text.RegularExpressions;

namespace TorchTrainer.Tests.Samples;

/// <summary>
/// The seed's scenario end to end: the v3-style sample trains for real (a small run), prints the
/// final-metrics block through the legacy members with the run-time deprecation warning, and
/// strict mode stops it with <see cref="LegacyApiException"/>.
/// </summary>
public sealed class LegacyTrainingSampleTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string _output = Directory.CreateTempSubdirectory("legacy-sample-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void Prints_the_final_metrics_block_through_the_legacy_api_and_warns_once_per_member()
    {
        var run = RunSample(strict: false);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"✅ Training finished in \d+\.\ds \(\d+\.\d min\)", run.StdOut);
        var trainLoss = Number(run.StdOut, @"Train Loss: (\d+\.\d{4})");
        var valLoss = Number(run.StdOut, @"Val Loss: (\d+\.\d{4})");
        var perplexity = Number(run.StdOut, @"Perplexity: (\d+\.\d{2})");
        Assert.Matches(@"Best Epoch: [12]\r?\n", run.StdOut);
        Assert.Equal(Math.Exp(valLoss), perplexity, 0.01 * perplexity);

        // The printed figures are the run's own: they match results.json, and the loss fell.
        var results = TrainingResults.Load(Path.Combine(_output, "results.json"));
        Assert.Equal(results.FinalLoss, trainLoss, 0.0001);
        Assert.Equal(results.FinalValLoss!.Value, valLoss, 0.0001);
        Assert.True(results.MetricsSummary.TrainLoss[^1] < results.MetricsSummary.TrainLoss[0], "the training loss should fall");

        // Next to results.json: the loss-curve picture and the metrics table, their paths printed.
        var curve = Path.Combine(_output, "loss_curve.png");
        Assert.Contains($"Loss curve: {curve}", run.StdOut);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(curve)[..4]);
        var csv = Path.Combine(_output, "metrics.csv");
        Assert.Contains($"Metrics: {csv}", run.StdOut);
        var rows = File.ReadAllLines(csv);
        Assert.Equal(3, rows.Length);   // the header and 2 epochs
        Assert.StartsWith("epoch,train/loss,val/loss", rows[0]);
        Assert.StartsWith("2,", rows[2]);

        Assert.Single(Regex.Matches(run.StdErr, "TrainingResults.LossHistory is deprecated"));
        Assert.Single(Regex.Matches(run.StdErr, "TrainingResults.ValLossHistory is deprecated"));
    }

    [Fact]
    public void Strict_mode_stops_the_report_with_LegacyApiException()
    {
        var run = RunSample(strict: true);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("LegacyApiException", run.StdErr);
        Assert.Contains("MetricsSummary.TrainLoss", run.StdErr);
        Assert.Contains("trainer-migrate", run.StdErr);
        Assert.DoesNotContain("Train Loss:", run.StdOut);
    }

    private static double Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:{Environment.NewLine}{text}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private ProcessResult RunSample(bool strict)
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "LegacyTraining.dll");
        var environment = strict ? new Dictionary<string, string> { [StrictLegacyApi.EnvironmentVariable] = "1" } : [];
        return ChildProcess.Run(ChildProcess.Dotnet(), _output, ["exec", sample, _output, "2", "6000"], environment, Limit, expectSuccess: false);
    }
}
