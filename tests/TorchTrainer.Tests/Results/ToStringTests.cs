using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Results;

/// <summary>Notebooks, debuggers and log lines show results through ToString(): it prints the v4 report's final-metrics block.</summary>
public sealed class ToStringTests
{
    private static string Lines(params string[] lines) => string.Join(Environment.NewLine, lines);

    [Fact]
    public void Results_print_the_final_metrics_block()
    {
        Assert.Equal(
            Lines("Train Loss: 2.1000", "Val Loss: 2.8100", "Perplexity: 16.61", "Best Epoch: 3"),
            TrainingResults.FromMetrics(Notebook()).ToString());
    }

    [Fact]
    public void The_summary_prints_the_same_block_from_its_table()
    {
        Assert.Equal(
            Lines("Train Loss: 2.5000", "Val Loss: 2.6100", "Perplexity: 13.60", "Best Epoch: 2"),
            ContractExample().ToString());
    }

    [Fact]
    public void Without_validation_the_block_says_so_instead_of_printing_blanks()
    {
        Assert.Equal(
            Lines("Train Loss: 1.0000", "Val Loss: none (no validation data)", "Perplexity: none (no validation data)", "Best Epoch: 3"),
            TrainingResults.FromMetrics(NoValidation()).ToString());
        Assert.Equal(
            Lines("Train Loss: NaN", "Val Loss: none (no validation data)", "Perplexity: none (no validation data)", "Best Epoch: none (no epoch completed)"),
            MetricsSummary.Empty.ToString());
    }

    [Fact]
    public void The_block_does_not_depend_on_the_current_culture()
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.StartsWith("Train Loss: 2.1000", TrainingResults.FromMetrics(Notebook()).ToString());
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }
}
