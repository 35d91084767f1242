using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class SetupValidationTests
{
    [Fact]
    public void Empty_training_data_is_refused_before_training()
    {
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), Toy.Options()).Train([]));
        Assert.Contains("training data is empty", error.Message);
    }

    [Fact]
    public void An_input_the_model_cannot_take_is_refused_with_its_shape_and_TorchSharps_reason()
    {
        var (x, y) = (torch.randn(8, 5), torch.zeros(8, dtype: torch.int64));
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), Toy.Options()).Train([(x, y)]));
        Assert.Contains("model cannot process the first batch of the training data", error.Message);
        Assert.Contains("[8, 5]", error.Message);
        Assert.Contains("mat1 and mat2", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void A_target_the_loss_cannot_take_is_refused_naming_both_shapes()
    {
        var (x, y) = (torch.randn(8, 4), torch.zeros(5, dtype: torch.int64));
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), Toy.Options()).Train([(x, y)]));
        Assert.Contains("loss cannot compare", error.Message);
        Assert.Contains("[8, 3]", error.Message);
        Assert.Contains("[5]", error.Message);
    }

    [Fact]
    public void A_loss_that_is_not_a_scalar_is_refused()
    {
        var (train, _) = Toy.Batches();
        var options = Toy.Options() with { Loss = (o, t) => nn.functional.cross_entropy(o, t, reduction: nn.Reduction.None) };
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), options).Train(train));
        Assert.Contains("must return a scalar", error.Message);
    }

    [Fact]
    public void Validation_data_that_yields_no_batch_is_refused()
    {
        var (train, _) = Toy.Batches();
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), Toy.Options()).Train(train, []));
        Assert.Contains("validation data yielded no batch", error.Message);
        Assert.Contains("pass null", error.Message);
    }

    [Fact]
    public void A_bad_validation_batch_is_refused_before_training()
    {
        var (train, _) = Toy.Batches();
        var badVal = new[] { (torch.randn(4, 7), torch.zeros(4, dtype: torch.int64)) };
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), Toy.Options()).Train(train, badVal));
        Assert.Contains("first batch of the validation data", error.Message);
    }

    [Fact]
    public void Unwritable_checkpoint_and_output_folders_are_refused_naming_the_option()
    {
        var file = Path.Combine(Toy.TempFolder("unwritable"), "a-file");
        File.WriteAllText(file, "not a folder");
        var (train, _) = Toy.Batches();

        var checkpoint = Assert.Throws<TrainingSetupException>(() =>
            new Trainer(Toy.Model(), Toy.Options() with { CheckpointDirectory = Path.Combine(file, "checkpoints") }).Train(train));
        Assert.Contains("CheckpointDirectory", checkpoint.Message);
        Assert.Contains("cannot be written to", checkpoint.Message);

        var output = Assert.Throws<TrainingSetupException>(() =>
            new Trainer(Toy.Model(), Toy.Options() with { OutputDirectory = Path.Combine(file, "out") }).Train(train));
        Assert.Contains("OutputDirectory", output.Message);
    }

    [Fact]
    public void Invalid_options_are_refused_by_the_constructor_listing_every_problem()
    {
        var options = new TrainerOptions { Epochs = 0, LearningRate = -1, GradientClipNorm = 0, Schedule = LearningRateSchedule.Step(stepEpochs: 0) };
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), options));
        Assert.Contains("Epochs is 0", error.Message);
        Assert.Contains("LearningRate is -1", error.Message);
        Assert.Contains("GradientClipNorm is 0", error.Message);
        Assert.Contains("StepEpochs is 0", error.Message);
    }

    [Fact]
    public void Resume_without_a_checkpoint_is_refused()
    {
        var (train, _) = Toy.Batches();
        var none = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), Toy.Options()).Resume(train));
        Assert.Contains("checkpoint folder", none.Message);

        var empty = Toy.TempFolder("resume-empty");
        var nothing = Assert.Throws<TrainingSetupException>(() => new Trainer(Toy.Model(), Toy.Options()).Resume(train, checkpointDirectory: empty));
        Assert.Contains("nothing to resume", nothing.Message);
    }

    [Fact]
    public void Resuming_into_a_different_model_is_refused()
    {
        var folder = Toy.TempFolder("resume-other-model");
        var (train, _) = Toy.Batches();
        new Trainer(Toy.Model(), Toy.Options(epochs: 1) with { CheckpointDirectory = folder }).Train(train);

        var other = nn.Sequential(("l1", nn.Linear(Toy.Features, 8)), ("l2", nn.Linear(8, Toy.Classes)));
        var error = Assert.Throws<TrainingSetupException>(() => new Trainer(other, Toy.Options(epochs: 2) with { CheckpointDirectory = folder }).Resume(train));
        Assert.Contains("does not fit this model", error.Message);
    }
}
