using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Results;

public class TrainingResultsTests
{
    [Fact]
    public void Modern_figures_come_from_the_table()
    {
        var results = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromMinutes(166), "checkpoints/epoch3.pt");

        Assert.Equal(2.10, results.FinalLoss);
        Assert.Equal(2.81, results.FinalValLoss);
        Assert.Equal(Math.Exp(2.81), results.Perplexity);
        Assert.Equal(3, results.BestEpoch);
        Assert.Equal(TimeSpan.FromMinutes(166), results.TrainingTime);
        Assert.Equal("checkpoints/epoch3.pt", results.BestCheckpointPath);
    }

    [Fact]
    public void Final_val_loss_is_the_last_validated_epoch_and_best_epoch_skips_NaN()
    {
        var results = TrainingResults.FromMetrics(MetricsSummary.FromRows(
        [
            Row(("train/loss", 3.0), ("val/loss", double.NaN)),
            Row(("train/loss", 2.0), ("val/loss", 2.5)),
            Row(("train/loss", 1.0), ("val/loss", double.NaN)),
        ]));

        Assert.Equal(2.5, results.FinalValLoss);
        Assert.Equal(2, results.BestEpoch);
        Assert.Equal([double.NaN, 2.5, double.NaN], results.MetricsSummary.ValLoss);
    }

    [Fact]
    public void Without_validation_data_val_figures_are_null_and_best_epoch_uses_train_loss()
    {
        var results = TrainingResults.FromMetrics(NoValidation());

        Assert.Equal(1.0, results.FinalLoss);
        Assert.Null(results.FinalValLoss);
        Assert.Null(results.Perplexity);
        Assert.Equal(3, results.BestEpoch);
        Assert.Null(results["final_val_loss"]);
        Assert.Null(results["perplexity"]);
    }

    [Fact]
    public void Empty_metrics_give_NaN_final_loss_and_best_epoch_zero()
    {
        var results = TrainingResults.FromMetrics(MetricsSummary.FromRows([]));

        Assert.True(double.IsNaN(results.FinalLoss));
        Assert.Null(results.FinalValLoss);
        Assert.Null(results.Perplexity);
        Assert.Equal(0, results.BestEpoch);
        Assert.Equal(TimeSpan.Zero, results.TrainingTime);
        Assert.Null(results.BestCheckpointPath);
    }

    [Fact]
    public void Keyed_view_returns_the_modern_values_with_the_contract_types()
    {
        var results = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromSeconds(12.5), "best.pt");

        Assert.Same(results.MetricsSummary, results["metrics_summary"]);
        Assert.Equal(2.10, Assert.IsType<double>(results["final_loss"]));
        Assert.Equal(2.81, Assert.IsType<double>(results["final_val_loss"]));
        Assert.Equal(Math.Exp(2.81), Assert.IsType<double>(results["perplexity"]));
        Assert.Equal(3, Assert.IsType<int>(results["best_epoch"]));
        Assert.Equal(12.5, Assert.IsType<double>(results["training_time_s"]));
        Assert.Equal("best.pt", Assert.IsType<string>(results["best_checkpoint"]));
    }

    [Fact]
    public void Keys_lists_every_contract_key()
    {
        var results = TrainingResults.FromMetrics(Notebook());

        Assert.Equal(
            ["metrics_summary", "final_loss", "final_val_loss", "perplexity", "best_epoch", "training_time_s", "best_checkpoint", "loss_history", "val_loss_history"],
            results.Keys);
    }

    [Theory]
    [InlineData("train_loss", "final_loss")]
    [InlineData("val_loss", "final_val_loss")]
    [InlineData("best_checkpoint_path", "best_checkpoint")]
    [InlineData("Loss_History", "loss_history")]
    public void Unknown_key_names_the_valid_keys_and_the_replacement(string key, string replacement)
    {
        var results = TrainingResults.FromMetrics(Notebook());

        var ex = Assert.Throws<KeyNotFoundException>(() => results[key]);

        Assert.Contains($"'{key}'", ex.Message);
        Assert.Contains($"Did you mean '{replacement}'?", ex.Message);
        foreach (var valid in results.Keys)
        {
            Assert.Contains($"'{valid}'", ex.Message);
        }
    }

    [Fact]
    public void Unknown_key_without_a_near_miss_still_names_the_valid_keys()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => TrainingResults.FromMetrics(Notebook())["accuracy"]);

        Assert.DoesNotContain("Did you mean", ex.Message);
        Assert.Contains("'metrics_summary'", ex.Message);
    }

    [Fact]
    public void FromMetrics_refuses_null_metrics_and_negative_time()
    {
        Assert.Throws<ArgumentNullException>(() => TrainingResults.FromMetrics(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingResults.FromMetrics(Notebook(), TimeSpan.FromSeconds(-1)));
    }
}
