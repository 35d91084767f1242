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

    [Fact]
    public void Training_with_gradient_clipping_converges()
    {
        var (train, _) = Toy.Batches();
        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 6) with { GradientClipNorm = 0.5 }).Train(train);
        Assert.True(results.FinalLoss < 0.8 * results.MetricsSummary.TrainLoss[0]);
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
