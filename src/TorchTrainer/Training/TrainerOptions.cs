using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer;

/// <summary>
/// Computes a loss from the model's output and the batch's target. It must return a scalar
/// (one-element) tensor that requires grad during training.
/// </summary>
public delegate Tensor LossFunction(Tensor output, Tensor target);

/// <summary>What a caller metric sees at the end of an epoch (the model is in eval mode, no grad).</summary>
/// <param name="Epoch">1-based epoch that just ended.</param>
/// <param name="Model">The model being trained.</param>
/// <param name="TrainLoss">Mean training loss of the epoch.</param>
/// <param name="ValLoss">Mean validation loss of the epoch; null when the epoch was not validated.</param>
/// <param name="ValidationData">The validation data, when the run has some.</param>
/// <param name="Device">The device the model lives on.</param>
public sealed record EpochMetricContext(
    int Epoch,
    nn.Module<Tensor, Tensor> Model,
    double TrainLoss,
    double? ValLoss,
    IEnumerable<(Tensor Input, Tensor Target)>? ValidationData,
    Device Device);

/// <summary>
/// Computes extra per-epoch metrics (for example accuracy); each returned name becomes a column of
/// <see cref="MetricsSummary"/>. Tensors created inside are disposed by the trainer.
/// </summary>
public delegate IReadOnlyDictionary<string, double> EpochMetric(EpochMetricContext context);

/// <summary>Settings of a <see cref="Trainer"/>. Every property has a sensible default.</summary>
public sealed record TrainerOptions
{
    /// <summary>Epochs to train (early stopping may end the run sooner). Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Batch size used when the trainer batches a <see cref="torch.utils.data.Dataset"/> itself. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Base learning rate of AdamW. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>How the learning rate changes over the run. Default constant, no warm-up.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant();

    /// <summary>AdamW's decoupled weight decay. Default 0.01.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Clip the global gradient L2 norm to this value (on the device, no host sync); null for no clipping.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Seeds torch's generator (and the trainer's own shuffling) at the start of <see cref="Trainer.Train(IEnumerable{ValueTuple{Tensor, Tensor}}, IEnumerable{ValueTuple{Tensor, Tensor}}?, CancellationToken)"/>. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Device to train on. Default CPU. The model is moved there; batches are moved when they live elsewhere.</summary>
    public Device? Device { get; init; }

    /// <summary>When set, calls torch.set_num_threads (a process-wide setting). Default null: leave it.</summary>
    public int? Threads { get; init; }

    /// <summary>Validate every N epochs (and always after the last one). Default 1.</summary>
    public int ValidateEveryEpochs { get; init; } = 1;

    /// <summary>
    /// Stop after this many validated epochs without a lower val/loss (train/loss when the run
    /// has no validation data); null never stops early. Default null.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Where the <c>last</c> and <c>best</c> checkpoints go; null writes none (and the run cannot be resumed).</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>How many generations of each checkpoint kind to keep, so a damaged one can fall back to an older one. Default 2.</summary>
    public int CheckpointsToKeep { get; init; } = 2;

    /// <summary>Where results.json goes; null writes none.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Report the mean loss to the sinks every N steps (the only per-step host sync, once per interval). Default 50.</summary>
    public int LogIntervalSteps { get; init; } = 50;

    /// <summary>The loss; default <see cref="Losses.CrossEntropy"/> over the last dimension.</summary>
    public LossFunction Loss { get; init; } = Losses.CrossEntropy;

    /// <summary>Extra per-epoch metrics; their names become extra columns.</summary>
    public IReadOnlyList<EpochMetric> Metrics { get; init; } = [];

    /// <summary>Receivers of the run's progress (console, files, plots).</summary>
    public IList<IMetricSink> Sinks { get; init; } = [];

    /// <summary>Where the trainer logs (and where the results' legacy-API warnings go); null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    internal Device ResolvedDevice => Device ?? torch.CPU;

    /// <summary>Every problem with these options, each naming the property and the fix.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (Epochs < 1)
        {
            problems.Add($"Epochs is {Epochs}; train at least 1 epoch.");
        }

        if (BatchSize < 1)
        {
            problems.Add($"BatchSize is {BatchSize}; use 1 or more samples per batch.");
        }

        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            problems.Add($"LearningRate is {LearningRate}; use a finite rate greater than 0 (for example 1e-3).");
        }

        if (Schedule is null)
        {
            problems.Add("Schedule is null; use LearningRateSchedule.Constant(), .Cosine(…) or .Step(…).");
        }
        else
        {
            problems.AddRange(Schedule.Problems());
        }

        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
        {
            problems.Add($"WeightDecay is {WeightDecay}; use a finite value of 0 or more.");
        }

        if (GradientClipNorm is { } clip && (!(clip > 0) || double.IsInfinity(clip)))
        {
            problems.Add($"GradientClipNorm is {clip}; use a finite norm greater than 0, or null for no clipping.");
        }

        if (Threads is { } threads && threads < 1)
        {
            problems.Add($"Threads is {threads}; use 1 or more, or null to keep torch's setting.");
        }

        if (ValidateEveryEpochs < 1)
        {
            problems.Add($"ValidateEveryEpochs is {ValidateEveryEpochs}; validate every 1 or more epochs.");
        }

        if (EarlyStoppingPatience is { } patience && patience < 1)
        {
            problems.Add($"EarlyStoppingPatience is {patience}; use 1 or more epochs, or null to never stop early.");
        }

        if (CheckpointsToKeep < 1)
        {
            problems.Add($"CheckpointsToKeep is {CheckpointsToKeep}; keep at least 1 (2 lets a damaged checkpoint fall back to the one before).");
        }

        if (LogIntervalSteps < 1)
        {
            problems.Add($"LogIntervalSteps is {LogIntervalSteps}; report every 1 or more steps.");
        }

        if (Loss is null)
        {
            problems.Add("Loss is null; leave it at its default (cross-entropy) or pass a LossFunction.");
        }

        if (Metrics is null || Metrics.Any(m => m is null))
        {
            problems.Add("Metrics is null or holds null; pass an empty list or EpochMetric delegates.");
        }

        if (Sinks is null || Sinks.Any(s => s is null))
        {
            problems.Add("Sinks is null or holds null; pass an empty list or IMetricSink instances.");
        }

        return problems;
    }
}

/// <summary>Loss functions for <see cref="TrainerOptions.Loss"/>.</summary>
public static class Losses
{
    /// <summary>
    /// Cross-entropy over the last dimension: logits of shape [..., C] are reshaped to [-1, C] and
    /// class-index targets to [-1], so it serves classifiers ([N, C] / [N]) and language models
    /// ([N, T, C] / [N, T]) alike.
    /// </summary>
    public static Tensor CrossEntropy(Tensor output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        if (output.dim() < 1)
        {
            throw new ArgumentException($"Cross-entropy needs logits with a class dimension, but the model returned a scalar.", nameof(output));
        }

        var classes = output.shape[^1];
        return nn.functional.cross_entropy(output.reshape(-1, classes), target.reshape(-1));
    }

    /// <summary>Mean squared error, for regression targets of the output's shape.</summary>
    public static Tensor MeanSquaredError(Tensor output, Tensor target) => nn.functional.mse_loss(output, target);
}
