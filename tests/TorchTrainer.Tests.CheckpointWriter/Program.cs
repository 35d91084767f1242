using TorchSharp;
using TorchTrainer;
using static TorchSharp.torch;

// Usage: TorchTrainer.Tests.CheckpointWriter <checkpoint folder>
// Trains a model whose checkpoints are a few MB, one step per epoch, checkpointing every epoch,
// and prints "saved <epoch>" after each checkpoint, until it is killed.
var folder = args[0];
torch.manual_seed(1);
var model = nn.Sequential(("l1", nn.Linear(256, 512)), ("act", nn.ReLU()), ("l2", nn.Linear(512, 8)));
var x = torch.randn(4, 256);
var y = torch.zeros(4, dtype: torch.int64);
var options = new TrainerOptions
{
    Epochs = 1_000_000,
    Threads = 1,
    LearningRate = 1e-4,
    CheckpointDirectory = folder,
    Sinks = [new Announcer()],
};
var trainer = new Trainer(model, options);
var resume = Directory.Exists(folder) && Directory.EnumerateDirectories(folder).Any();
if (resume)
{
    trainer.Resume([(x, y)]);
}
else
{
    trainer.Train([(x, y)]);
}

return 0;

internal sealed class Announcer : IMetricSink
{
    public void OnTrainingStart(TrainingStartInfo info)
    {
    }

    public void OnStep(StepProgress step)
    {
    }

    public void OnEpochEnd(EpochMetrics metrics) => Console.WriteLine($"saved {metrics.Epoch}");

    public void OnTrainingEnd(TrainingResults results)
    {
    }
}
