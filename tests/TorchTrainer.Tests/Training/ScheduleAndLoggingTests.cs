using TorchSharp;
namespace TorchTrainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ScheduleAndLoggingTests
{
    [Fact]
    public void Schedules_warm_up_linearly_then_follow_their_shape()
    {
        var constant = LearningRateSchedule.Constant(warmupSteps: 4);
        Assert.Equal([0.25, 0.5, 0.75, 1, 1], Enumerable.Range(0, 5).Select(s => constant.RateAt(1, s, 1, 100)));

        var cosine = LearningRateSchedule.Cosine(warmupSteps: 0, minFactor: 0.1);
        Assert.Equal(1, cosine.RateAt(1, 0, 1, 100), 12);
        Assert.Equal(0.55, cosine.RateAt(1, 50, 1, 100), 12);
        Assert.Equal(0.1, cosine.RateAt(1, 100, 1, 100), 12);

        var step = LearningRateSchedule.Step(stepEpochs: 2, gamma: 0.5);
        Assert.Equal([1, 1, 0.5, 0.5, 0.25], Enumerable.Range(1, 5).Select(e => step.RateAt(1, 0, e, 100)));
    }

    [Fact]
    public void The_lr_column_follows_the_schedule()
    {
        var (train, _) = Toy.Batches();
        var options = Toy.Options(epochs: 3) with { Schedule = LearningRateSchedule.Step(stepEpochs: 1, gamma: 0.5) };
        var results = new Trainer(Toy.Model(), options).Train(train);
        Assert.Equal([0.02, 0.01, 0.005], results.MetricsSummary[StandardColumns.LearningRate]);
    }

    [Fact]
    public void Gradient_clipping_limits_the_global_norm_and_leaves_small_gradients_alone()
    {
        using var scope = torch.NewDisposeScope();
        var model = Toy.Model();
        var parameters = model.parameters().ToArray();
        var (x, y) = Toy.Data(32, 2);
        Losses.CrossEntropy(model.call(x * 100), y).backward();

        double Norm() => parameters.Select(p => p.grad!.pow(2).sum().item<float>()).Sum() is var s ? Math.Sqrt(s) : 0;
        var before = Norm();
        Assert.True(before > 0.5, $"the test needs a large gradient, got {before}");

        GradientClipping.ClipByGlobalNorm(parameters, 0.5);
        Assert.Equal(0.5, Norm(), 3);

        GradientClipping.ClipByGlobalNorm(parameters, 10);
        Assert.Equal(0.5, Norm(), 3);
    }

    /// <summary>
    /// The Trainer clips before each optimizer step. AdamW moves each parameter by lr * m / (sqrt(v) + eps) per step; when
    /// every gradient is clipped to a global norm of 1e-10, |m| is at most 1e-10, so one step moves no parameter by more
    /// than lr * 1e-10 / 1e-8 (eps) = lr / 100. Unclipped, the first steps move parameters by about lr.
    /// </summary>
    [Fact]
    public void The_trainer_clips_gradients_to_GradientClipNorm_before_each_step()
    {
        const double lr = 0.02;
        var (train, _) = Toy.Batches();
        var steps = train.Count;

        double LargestMove(double? clip)
        {
            var model = Toy.Model();
            var before = model.parameters().Select(p => p.detach().clone()).ToArray();
            new Trainer(model, Toy.Options(epochs: 1) with { LearningRate = lr, WeightDecay = 0, GradientClipNorm = clip }).Train(train);
            return model.parameters().Zip(before, (after, start) =>
            {
                using var move = (after.detach() - start).abs().max();
                return move.item<float>();
            }).Max();
        }

        var clipped = LargestMove(1e-10);
        var unclipped = LargestMove(null);

        Assert.True(clipped <= steps * lr / 100, $"clipped to 1e-10, a parameter moved by {clipped} in {steps} steps: the gradients were not clipped");
        Assert.True(unclipped > steps * lr / 10, $"unclipped, the largest move was only {unclipped}: the test cannot tell clipping from none");
    }

    [Fact]
    public void Legacy_api_warnings_of_the_results_go_to_the_trainers_logger()
    {
        var (train, _) = Toy.Batches();
        var logger = new ListLogger();
        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 1) with { Logger = logger }).Train(train);

        LegacyApiShim.ResetForTests();
        _ = results.LossHistory;

        Assert.Contains(logger.Warnings, w => w.Contains("LossHistory") && w.Contains("deprecated"));
    }
}
