using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer.Tests.Training;

/// <summary>
/// Tests that train share torch's process-wide state (random generator, thread count, live tensor
/// count), so they never run in parallel with each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "TorchSharp (process-wide state)";
}

/// <summary>A tiny learnable task: 3 classes decided by the signs of two of four features.</summary>
internal static class Toy
{
    public const int Features = 4;
    public const int Classes = 3;

    public static (Tensor X, Tensor Y) Data(int samples, long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        var x = torch.randn(new long[] { samples, Features }, generator: generator);
        using var a = x[.., 0].gt(0).to(torch.int64);
        using var b = x[.., 1].gt(0).to(torch.int64);
        var y = a + b;
        return (x, y);
    }

    public static nn.Module<Tensor, Tensor> Model(long seed = 7, double dropout = 0.0)
    {
        torch.manual_seed(seed);
        return nn.Sequential(
            ("l1", nn.Linear(Features, 16)),
            ("act", nn.ReLU()),
            ("drop", nn.Dropout(dropout)),
            ("l2", nn.Linear(16, Classes)));
    }

    /// <summary>96 shuffled training samples in batches of 16 (6 steps per epoch), 48 unshuffled validation samples.</summary>
    public static (TensorBatches Train, TensorBatches Val) Batches(long seed = 1)
    {
        var (x, y) = Data(96, seed);
        var (vx, vy) = Data(48, seed + 100);
        return (TrainingData.FromTensors(x, y, 16, shuffle: true, seed: seed), TrainingData.FromTensors(vx, vy, 16));
    }

    public static TrainerOptions Options(int epochs = 3) => new()
    {
        Epochs = epochs,
        LearningRate = 0.02,
        Threads = 1,
        Seed = 3,
        LogIntervalSteps = 4,
    };

    private static readonly Lazy<string> TempRoot = new(() =>
    {
        var parent = Path.Combine(Path.GetTempPath(), "torchtrainer-tests");

        // Folders of earlier test processes that are gone (the test host may be stopped before it cleans up).
        foreach (var stale in Directory.Exists(parent) ? Directory.GetDirectories(parent) : [])
        {
            if (int.TryParse(Path.GetFileName(stale), out var pid) && !IsRunning(pid))
            {
                TryDelete(stale);
            }
        }

        var root = Path.Combine(parent, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A fresh folder, removed when the test process exits (or by the next test run).</summary>
    public static string TempFolder(string name)
    {
        var path = Path.Combine(TempRoot.Value, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static long[] Bits(IReadOnlyList<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}

/// <summary>A linear model whose output becomes NaN on its k-th training forward pass.</summary>
internal sealed class NanAtCall : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear _linear;
    private readonly int _k;
    private int _calls;

    public NanAtCall(int k)
        : base(nameof(NanAtCall))
    {
        _k = k;
        _linear = nn.Linear(Toy.Features, Toy.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var output = _linear.call(input);
        return training && ++_calls == _k ? output * float.NaN : output;
    }
}
