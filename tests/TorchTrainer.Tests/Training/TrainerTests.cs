using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainerTests
{
    [Fact]
    public void Training_lowers_the_loss_on_a_learnable_task()
    {
        var (train, val) = Toy.Batches();
        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 8)).Train(train, val);

        var loss = results.MetricsSummary.TrainLoss;
        Assert.Equal(8, loss.Count);
        Assert.True(loss[^1] < 0.6 * loss[0], $"train/loss went from {loss[0]} to {loss[^1]}");
        Assert.True(results.FinalValLoss < results.MetricsSummary.ValLoss[0]);
        Assert.Equal(loss[^1], results.FinalLoss);
    }

    [Fact]
    public void Metrics_have_one_row_per_epoch_with_the_standard_columns()
    {
        var (train, val) = Toy.Batches();
        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 3)).Train(train, val);

        var metrics = results.MetricsSummary;
        Assert.Equal(["epoch", "train/loss", "val/loss", "val/perplexity", "lr", "time/epoch_s"], metrics.ColumnNames);
        Assert.Equal([1, 2, 3], metrics.Select(r => r.Epoch));
        Assert.Equal([1.0, 2, 3], metrics[StandardColumns.Epoch]);
        Assert.All(metrics, r => Assert.Equal(Math.Exp(r[StandardColumns.ValLoss]), r[StandardColumns.ValPerplexity], 12));
        Assert.All(metrics[StandardColumns.LearningRate], lr => Assert.Equal(0.02, lr));
        Assert.All(metrics[StandardColumns.EpochSeconds], s => Assert.True(s > 0));
        Assert.Equal(Math.Exp(results.FinalValLoss!.Value), results.Perplexity!.Value, 12);
        Assert.InRange(results.BestEpoch, 1, 3);
    }

    [Fact]
    public void Without_validation_data_the_results_have_no_validation_columns()
    {
        var (train, _) = Toy.Batches();
        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 2)).Train(train);

        Assert.Equal(
            [StandardColumns.Epoch, StandardColumns.TrainLoss, StandardColumns.LearningRate, StandardColumns.EpochSeconds],
            results.MetricsSummary.ColumnNames);
        Assert.Empty(results.MetricsSummary.ValLoss);
        Assert.Null(results.FinalValLoss);
        Assert.Null(results.Perplexity);
        Assert.Equal(2, results.MetricsSummary.Count);
    }

    [Fact]
    public void Validating_every_second_epoch_leaves_NaN_in_the_others_and_always_validates_the_last()
    {
        var (train, val) = Toy.Batches();
        var options = Toy.Options(epochs: 5) with { ValidateEveryEpochs = 2 };
        var results = new Trainer(Toy.Model(), options).Train(train, val);

        var validated = results.MetricsSummary.ValLoss.Select(v => !double.IsNaN(v)).ToArray();
        Assert.Equal([false, true, false, true, true], validated);
        Assert.True(double.IsNaN(results.MetricsSummary[StandardColumns.ValPerplexity][0]));
        Assert.Equal(results.MetricsSummary.ValLoss[4], results.FinalValLoss);
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_patience_epochs_without_improvement()
    {
        // Validation labels are the training labels shifted, so learning the task makes val/loss worse.
        var (x, y) = Toy.Data(96, 1);
        var train = TrainingData.FromTensors(x, y, 16);
        var val = TrainingData.FromTensors(x, (y + 1).remainder(Toy.Classes), 16);
        var options = Toy.Options(epochs: 30) with { EarlyStoppingPatience = 2 };

        var results = new Trainer(Toy.Model(), options).Train(train, val);

        var epochs = results.MetricsSummary.Count;
        Assert.True(epochs < 30, "the run should stop early");
        Assert.Equal(epochs - 2, results.BestEpoch);
        var best = results.MetricsSummary.ValLoss[results.BestEpoch - 1];
        Assert.All(results.MetricsSummary.ValLoss.Skip(results.BestEpoch), v => Assert.True(v >= best));
    }

    [Fact]
    public void Caller_metrics_become_extra_columns()
    {
        var (train, val) = Toy.Batches();
        EpochMetric accuracy = context =>
        {
            long correct = 0, total = 0;
            foreach (var (input, target) in context.ValidationData!)
            {
                correct += context.Model.call(input).argmax(-1).eq(target).sum().item<long>();
                total += target.shape[0];
            }

            return new Dictionary<string, double> { ["val/accuracy"] = (double)correct / total };
        };
        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 6) with { Metrics = [accuracy] }).Train(train, val);

        Assert.Equal("val/accuracy", results.MetricsSummary.ColumnNames[^1]);
        Assert.All(results.MetricsSummary["val/accuracy"], a => Assert.InRange(a, 0, 1));
        Assert.True(results.MetricsSummary["val/accuracy"][^1] > 0.6);
    }

    [Fact]
    public void Sinks_hear_start_steps_epochs_and_end_and_a_failing_sink_does_not_stop_training()
    {
        var (train, _) = Toy.Batches();
        var sink = new RecordingSink();
        var logger = new ListLogger();
        var options = Toy.Options(epochs: 2) with { Sinks = [new ThrowingSink(_ => true), sink], Logger = logger };

        var results = new Trainer(Toy.Model(), options).Train(train);

        // 6 steps per epoch, log interval 4: a report at step 4 and the rest at the epoch's end.
        Assert.Equal(["start", "step 4", "step 6", "epoch 1", "step 10", "step 12", "epoch 2", "end"], sink.Events);
        var start = Assert.Single(sink.Starts);
        Assert.Equal((2, 6, 1), (start.Epochs, start.StepsPerEpoch, start.StartEpoch));
        Assert.Equal([(1, 4), (1, 6), (2, 4), (2, 6)], sink.Steps.Select(s => (s.Epoch, s.Step)));
        Assert.Same(results, sink.End);
        Assert.Contains(logger.Warnings, w => w.Contains(nameof(ThrowingSink)));
    }

    [Fact]
    public void A_one_shot_enumerable_is_reported_as_not_re_iterable()
    {
        var (x, y) = Toy.Data(32, 1);
        var once = OneShot(x, y).GetEnumerator();
        var data = new EnumeratorOnce(once);

        var error = Assert.Throws<TrainingFailedException>(() => new Trainer(Toy.Model(), Toy.Options(epochs: 2)).Train(data));
        Assert.Contains("iterable once per epoch", error.Message);
    }

    private static IEnumerable<(Tensor, Tensor)> OneShot(Tensor x, Tensor y)
    {
        yield return (x, y);
    }

    private sealed class EnumeratorOnce(IEnumerator<(Tensor, Tensor)> e) : IEnumerable<(Tensor, Tensor)>
    {
        public IEnumerator<(Tensor, Tensor)> GetEnumerator() => e;

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => e;
    }
}
