using System.Text.Json;
using static TorchSharp.torch;

namespace TorchTrainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ResumeAndCancellationTests
{
    private static readonly string[] Deterministic = [StandardColumns.TrainLoss, StandardColumns.ValLoss, StandardColumns.LearningRate];

    [Fact]
    public void Two_epochs_plus_a_resumed_two_equal_four_uninterrupted_epochs_to_the_last_bit()
    {
        var full = RunFresh(epochs: 4, schedule: null, dropout: 0.3);

        var folder = Toy.TempFolder("resume");
        var (train, val) = Toy.Batches();
        new Trainer(Toy.Model(dropout: 0.3), Toy.Options(epochs: 2) with { Seed = 3, CheckpointDirectory = folder }).Train(train, val);
        var (train2, val2) = Toy.Batches();
        var resumed = new Trainer(Toy.Model(seed: 999, dropout: 0.3), Toy.Options(epochs: 4) with { CheckpointDirectory = folder }).Resume(train2, val2);

        AssertSameMetrics(full, resumed);
    }

    [Fact]
    public void A_run_cancelled_mid_epoch_and_resumed_equals_the_uninterrupted_run_with_a_cosine_schedule()
    {
        var cosine = LearningRateSchedule.Cosine(warmupSteps: 5, minFactor: 0.1);
        var full = RunFresh(epochs: 4, cosine, dropout: 0.2);

        var folder = Toy.TempFolder("cancel-resume");
        var output = Toy.TempFolder("cancel-resume-out");
        using var cts = new CancellationTokenSource();
        var trainingSteps = 0;
        var options = Toy.Options(epochs: 4) with
        {
            Schedule = cosine,
            CheckpointDirectory = folder,
            OutputDirectory = output,
            Loss = (o, t) =>
            {
                if (o.requires_grad && ++trainingSteps == 15)
                {
                    cts.Cancel(); // during epoch 3, step 3 (6 steps per epoch)
                }

                return Losses.CrossEntropy(o, t);
            },
        };
        var (train, val) = Toy.Batches();

        var cancelled = Assert.Throws<TrainingCanceledException>(() => new Trainer(Toy.Model(dropout: 0.2), options).Train(train, val, cts.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(cancelled);
        Assert.Equal(cts.Token, cancelled.CancellationToken);
        Assert.Equal(2, cancelled.PartialResults.MetricsSummary.Count);
        Assert.Contains("epoch 3 after step 3", cancelled.Message);
        Assert.True(Directory.Exists(cancelled.Checkpoint));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json"))))
        {
            Assert.Equal(2, json.RootElement.GetProperty("metrics_summary").GetProperty("rows").GetArrayLength());
        }

        var (train2, val2) = Toy.Batches();
        var resumed = new Trainer(Toy.Model(seed: 5, dropout: 0.2), Toy.Options(epochs: 4) with { Schedule = cosine, CheckpointDirectory = folder }).Resume(train2, val2);

        AssertSameMetrics(full, resumed);
    }

    [Fact]
    public void A_run_cancelled_during_validation_resumes_with_that_epoch_trained_and_matches()
    {
        var full = RunFresh(epochs: 3, schedule: null, dropout: 0.2);

        var folder = Toy.TempFolder("cancel-in-validation");
        using var cts = new CancellationTokenSource();
        var validationBatches = 0;
        var options = Toy.Options(epochs: 3) with
        {
            CheckpointDirectory = folder,
            Loss = (o, t) =>
            {
                if (!o.requires_grad && ++validationBatches == 7)
                {
                    cts.Cancel(); // probes: 2 (train, val); epoch 1 validates 3 batches; the 7th is the 2nd of epoch 2
                }

                return Losses.CrossEntropy(o, t);
            },
        };
        var (train, val) = Toy.Batches();
        var cancelled = Assert.Throws<TrainingCanceledException>(() => new Trainer(Toy.Model(dropout: 0.2), options).Train(train, val, cts.Token));
        Assert.Contains("epoch 2 after step 6", cancelled.Message);

        var (train2, val2) = Toy.Batches();
        var resumed = new Trainer(Toy.Model(seed: 5, dropout: 0.2), Toy.Options(epochs: 3) with { CheckpointDirectory = folder }).Resume(train2, val2);
        AssertSameMetrics(full, resumed);
    }

    [Fact]
    public void Cancelling_before_the_first_step_saves_a_checkpoint_and_reports_no_epochs()
    {
        var folder = Toy.TempFolder("cancel-early");
        var (train, _) = Toy.Batches();
        var cancelled = Assert.Throws<TrainingCanceledException>(() =>
            new Trainer(Toy.Model(), Toy.Options() with { CheckpointDirectory = folder }).Train(train, null, new CancellationToken(canceled: true)));

        Assert.Empty(cancelled.PartialResults.MetricsSummary);
        Assert.True(double.IsNaN(cancelled.PartialResults.FinalLoss));
        Assert.StartsWith(folder, cancelled.Checkpoint);
    }

    [Fact]
    public void Resuming_a_finished_run_trains_nothing_and_returns_its_metrics()
    {
        var folder = Toy.TempFolder("resume-finished");
        var (train, _) = Toy.Batches();
        var first = new Trainer(Toy.Model(), Toy.Options(epochs: 2) with { CheckpointDirectory = folder }).Train(train);
        var again = new Trainer(Toy.Model(), Toy.Options(epochs: 2) with { CheckpointDirectory = folder }).Resume(train);

        Assert.Equal(Toy.Bits(first.MetricsSummary.TrainLoss), Toy.Bits(again.MetricsSummary.TrainLoss));
    }

    [Fact]
    public void Resume_continues_the_newest_run_when_a_folder_also_holds_an_older_longer_run()
    {
        var folder = Toy.TempFolder("two-runs");
        var (train, _) = Toy.Batches();
        new Trainer(Toy.Model(), Toy.Options(epochs: 4) with { CheckpointDirectory = folder }).Train(train);
        var second = new Trainer(Toy.Model(seed: 8), Toy.Options(epochs: 1) with { Seed = 9, CheckpointDirectory = folder }).Train(train);

        var resumed = new Trainer(Toy.Model(), Toy.Options(epochs: 2) with { CheckpointDirectory = folder }).Resume(train);

        Assert.Equal(2, resumed.MetricsSummary.Count);
        Assert.Equal(second.FinalLoss, resumed.MetricsSummary.TrainLoss[0]);
    }

    [Fact]
    public void A_non_finite_loss_names_epoch_and_step_and_keeps_metrics_and_the_last_good_checkpoint()
    {
        var folder = Toy.TempFolder("nan");
        var output = Toy.TempFolder("nan-out");
        var (train, val) = Toy.Batches();
        var options = Toy.Options(epochs: 4) with { CheckpointDirectory = folder, OutputDirectory = output, LogIntervalSteps = 100 };

        // 6 steps per epoch: the 8th training forward pass is epoch 2, step 2.
        var error = Assert.Throws<NonFiniteLossException>(() => new Trainer(new NanAtCall(8), options).Train(train, val));

        Assert.Equal(2, error.Epoch);
        Assert.Equal(2, error.Step);
        Assert.Contains("epoch 2, step 2", error.Message);
        Assert.Single(error.PartialResults.MetricsSummary);
        Assert.True(double.IsFinite(error.PartialResults.FinalLoss));
        Assert.NotNull(error.LastGoodCheckpoint);
        Assert.Contains("last-", error.LastGoodCheckpoint);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Equal(1, json.RootElement.GetProperty("metrics_summary").GetProperty("rows").GetArrayLength());

        // The checkpoint on disk is the good one of epoch 1: resuming from it works.
        var resumed = new Trainer(new NanAtCall(int.MaxValue), Toy.Options(epochs: 2) with { CheckpointDirectory = folder }).Resume(train, val);
        Assert.Equal(2, resumed.MetricsSummary.Count);
        Assert.Equal(error.PartialResults.FinalLoss, resumed.MetricsSummary.TrainLoss[0]);
    }

    [Fact]
    public void A_non_finite_loss_is_caught_at_the_log_interval_too()
    {
        var (train, _) = Toy.Batches();
        var options = Toy.Options(epochs: 2) with { LogIntervalSteps = 2 };
        var error = Assert.Throws<NonFiniteLossException>(() => new Trainer(new NanAtCall(3), options).Train(train));
        Assert.Equal((1, 3), (error.Epoch, error.Step));
        Assert.Empty(error.PartialResults.MetricsSummary);
        Assert.Null(error.LastGoodCheckpoint);
    }

    /// <summary>
    /// The best checkpoint is complete: every file its manifest lists is there with the listed size and SHA-256 (computed
    /// here), its state is that of the best epoch, and its model file loads into a fresh model that gives the best
    /// epoch's validation loss on the validation data.
    /// </summary>
    [Fact]
    public void Best_checkpoint_path_is_set_and_points_at_a_complete_checkpoint_of_the_best_epoch()
    {
        var folder = Toy.TempFolder("best");
        var (train, val) = Toy.Batches();
        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 3) with { CheckpointDirectory = folder }).Train(train, val);

        var best = results.BestCheckpointPath;
        Assert.NotNull(best);
        Assert.StartsWith("best-", Path.GetFileName(best));
        Assert.Equal(best, results["best_checkpoint"]);

        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(best, "manifest.json")));
        var files = manifest.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Length: f.GetProperty("length").GetInt64(), Sha256: f.GetProperty("sha256").GetString()!))
            .ToList();
        Assert.Equal(["model.bin", "optimizer.bin", "rng.bin", "state.json"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var (name, length, sha256) in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(best, name));
            Assert.True(bytes.Length > 0, name);
            Assert.Equal(length, bytes.Length);
            Assert.Equal(sha256, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)), ignoreCase: true);
        }

        using var state = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(best, "state.json")));
        Assert.Equal(results.BestEpoch, state.RootElement.GetProperty("epochs_completed").GetInt32());

        // The weights: loaded into a fresh model, they give the best epoch's validation loss (the mean of the batch losses).
        using var scope = NewDisposeScope();
        var model = Toy.Model(seed: 12345);
        model.load(Path.Combine(best, "model.bin"));
        model.eval();
        using var noGrad = no_grad();
        var batchLosses = val.Select(b => Losses.CrossEntropy(model.call(b.Input), b.Target).item<float>()).ToList();
        Assert.Equal(results.MetricsSummary.ValLoss[results.BestEpoch - 1], batchLosses.Sum() / batchLosses.Count, 5);
    }

    private static TrainingResults RunFresh(int epochs, LearningRateSchedule? schedule, double dropout)
    {
        var (train, val) = Toy.Batches();
        var options = Toy.Options(epochs) with { Schedule = schedule ?? LearningRateSchedule.Constant() };
        return new Trainer(Toy.Model(dropout: dropout), options).Train(train, val);
    }

    private static void AssertSameMetrics(TrainingResults expected, TrainingResults actual)
    {
        Assert.Equal(expected.MetricsSummary.Count, actual.MetricsSummary.Count);
        foreach (var column in Deterministic)
        {
            Assert.Equal(Toy.Bits(expected.MetricsSummary[column]), Toy.Bits(actual.MetricsSummary[column]));
        }
    }
}
