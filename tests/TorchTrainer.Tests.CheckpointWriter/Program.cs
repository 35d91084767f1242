using System.Diagnostics;
using TorchSharp;
using TorchTrainer;
using static TorchSharp.torch;

// Usage: TorchTrainer.Tests.CheckpointWriter <checkpoint folder> <n>
// Trains one step per epoch, checkpointing every epoch (resuming when the folder already holds a checkpoint), and
// prints "saved <epoch>" after each epoch. Inside its n-th checkpoint write it stops where a kill does the most harm:
// the model file's temporary file is created and open, the checkpoint has no manifest yet. It prints
// "writing <that temporary file>" and waits to be killed (the kill test's proof that the kill lands mid-write).
var folder = args[0];
var blockAtWrite = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
torch.manual_seed(1);
// Temporary files a killed earlier run left behind: the one this process is writing is the one not among them.
var leftBefore = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories).ToHashSet() : [];
var writes = 0;
var model = new HookedModel(() =>
{
    if (++writes < blockAtWrite)
    {
        return;
    }

    // This process's temporary file (the atomic writer's .<name>.<guid>.tmp), created since the process started.
    var temp = Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories).Where(f => !leftBefore.Contains(f)).Single();
    Console.WriteLine($"writing {temp}");
    Console.Out.Flush();
    Thread.Sleep(Timeout.Infinite);
});
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
if (Directory.Exists(folder) && Directory.EnumerateDirectories(folder).Any())
{
    trainer.Resume([(x, y)]);
}
else
{
    trainer.Train([(x, y)]);
}

return 0;

/// <summary>A small MLP whose checkpoint writes call back: <c>Module.save</c> asks <c>state_dict</c> for the tensors first.</summary>
internal sealed class HookedModel : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _l1 = nn.Linear(256, 512);
    private readonly nn.Module<Tensor, Tensor> _act = nn.ReLU();
    private readonly nn.Module<Tensor, Tensor> _l2 = nn.Linear(512, 8);
    private readonly Action _onSave;

    public HookedModel(Action onSave)
        : base("hooked")
    {
        _onSave = onSave;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => _l2.forward(_act.forward(_l1.forward(input)));

    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        // Only a save (a checkpoint write) counts; loading a checkpoint asks for the state dictionary too.
        if (prefix is null && new StackTrace().GetFrames().Skip(1).Any(f => f.GetMethod() is { Name: "save", DeclaringType.Name: "Module" }))
        {
            _onSave();
        }

        return base.state_dict(destination, prefix);
    }
}

internal sealed class Announcer : IMetricSink
{
    public void OnTrainingStart(TrainingStartInfo info)
    {
    }

    public void OnStep(StepProgress step)
    {
    }

    public void OnEpochEnd(EpochMetrics metrics)
    {
        Console.WriteLine($"saved {metrics.Epoch}");
        Console.Out.Flush();
    }

    public void OnTrainingEnd(TrainingResults results)
    {
    }
}
