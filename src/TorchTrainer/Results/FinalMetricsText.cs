using System.Globalization;

namespace TorchTrainer;

/// <summary>
/// The final-metrics block that <see cref="TrainingResults.ToString"/> and <see cref="MetricsSummary.ToString"/>
/// print: what a v4 report prints (README), so notebooks, debuggers and log lines show the figures people read.
/// </summary>
internal static class FinalMetricsText
{
    private const string NoValidation = "none (no validation data)";

    public static string Format(TrainingResults results)
    {
        var c = CultureInfo.InvariantCulture;
        var nl = Environment.NewLine;
        var valLoss = results.FinalValLoss is { } v ? v.ToString("F4", c) : NoValidation;
        var perplexity = results.Perplexity is { } p ? p.ToString("F2", c) : NoValidation;
        var best = results.BestEpoch == 0 ? "none (no epoch completed)" : results.BestEpoch.ToString(c);
        return $"Train Loss: {results.FinalLoss.ToString("F4", c)}{nl}Val Loss: {valLoss}{nl}Perplexity: {perplexity}{nl}Best Epoch: {best}";
    }
}
