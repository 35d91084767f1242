using TorchSharp;
using static TorchSharp.torch;

namespace TrainerOverhead;

/// <summary>The benchmark's knobs; the same for both implementations.</summary>
internal sealed record Settings(
    int Epochs = 5,
    int Samples = 8192,
    int ValSamples = 2048,
    int BatchSize = 64,
    int Features = 128,
    int Hidden = 256,
    int Classes = 10,
    double LearningRate = 1e-3,
    double WeightDecay = 0.01,
    long Seed = 42,
    int Threads = 1,
    int LogIntervalSteps = 50,
    int WarmupBatches = 20,
    bool WithSinks = false)
{
    public IEnumerable<string> ToArgs() =>
    [
        "--epochs", $"{Epochs}", "--samples", $"{Samples}", "--val-samples", $"{ValSamples}", "--batch", $"{BatchSize}",
        "--features", $"{Features}", "--hidden", $"{Hidden}", "--classes", $"{Classes}",
        "--lr", LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        "--weight-decay", WeightDecay.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        "--seed", $"{Seed}", "--threads", $"{Threads}", "--log-interval", $"{LogIntervalSteps}", "--warmup-batches", $"{WarmupBatches}",
        .. WithSinks ? new[] { "--with-sinks" } : [],
    ];
}

/// <summary>Synthetic classification data and the model, built identically in every process.</summary>
internal static class Workload
{
    /// <summary>Batches of a fixed synthetic task: labels are the argmax of a random linear map plus noise.</summary>
    public static (List<(Tensor Input, Tensor Target)> Train, List<(Tensor Input, Tensor Target)> Val) Data(Settings s)
    {
        torch.manual_seed(s.Seed + 1);
        using var teacher = torch.randn(s.Features, s.Classes);
        return (Make(s.Samples), Make(s.ValSamples));

        List<(Tensor, Tensor)> Make(int n)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(n, s.Features);
            var y = (x.matmul(teacher) + 0.5 * torch.randn(n, s.Classes)).argmax(1);
            var batches = new List<(Tensor, Tensor)>();
            for (var start = 0; start < n; start += s.BatchSize)
            {
                var len = Math.Min(s.BatchSize, n - start);
                // Contiguous copies that outlive the scope: the data stays the caller's, as in real use.
                batches.Add((x.narrow(0, start, len).clone().MoveToOuterDisposeScope(), y.narrow(0, start, len).clone().MoveToOuterDisposeScope()));
            }

            return batches;
        }
    }

    /// <summary>A 3-layer MLP, initialised from the seed.</summary>
    public static nn.Module<Tensor, Tensor> Model(Settings s)
    {
        torch.manual_seed(s.Seed);
        return nn.Sequential(
            ("fc1", nn.Linear(s.Features, s.Hidden)),
            ("act1", nn.ReLU()),
            ("fc2", nn.Linear(s.Hidden, s.Hidden)),
            ("act2", nn.ReLU()),
            ("out", nn.Linear(s.Hidden, s.Classes)));
    }
}
