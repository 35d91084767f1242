using TorchSharp;
using TorchTrainer.Fitting;
using static TorchSharp.torch;

namespace TorchTrainer;

/// <summary>
/// Trains a TorchSharp <c>Module&lt;Tensor, Tensor&gt;</c> with AdamW and reports one
/// <see cref="MetricsSummary"/> row per epoch.
/// </summary>
/// <remarks>
/// <para>Data is a re-iterable sequence of (input, target) batches, enumerated once per epoch;
/// <see cref="TrainingData"/> adapts tensors, datasets and data loaders. The trainer keeps the
/// loss on the device and reads it once per log interval and once per epoch (no per-step host
/// synchronisation), and disposes every tensor it or the data creates during a step.</para>
/// <para>Failures after the start throw <see cref="TrainingFailedException"/> (or
/// <see cref="NonFiniteLossException"/>), cancellation throws <see cref="TrainingCanceledException"/>;
/// both carry the partial results, which are also saved as results.json when
/// <see cref="TrainerOptions.OutputDirectory"/> is set. Problems found before the first step throw
/// <see cref="TrainingSetupException"/>.</para>
/// <para>Inside, a run is set up into a plan (<c>Fitting/RunSetup</c>), fitted epoch by epoch
/// (<c>Fitting/FitLoop</c>, <c>EpochLoop</c>, <c>ValidationLoop</c>), checkpointed
/// (<c>Fitting/Checkpointer</c>) and finished in one place (<c>Fitting/RunFinish</c>); see
/// docs/architecture.md.</para>
/// <para>A trainer runs one training at a time. torch's random generator and thread count are
/// process-wide, so runs in parallel in one process are not reproducible.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> _model;

    /// <summary>Creates a trainer for <paramref name="model"/>.</summary>
    /// <exception cref="TrainingSetupException">The options are invalid; the message lists every problem and its fix.</exception>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchNativeLibrary.EnsureLoaded();
        _model = model;
        Options = options ?? new TrainerOptions();
        var problems = Options.Problems();
        if (problems.Count > 0)
        {
            throw new TrainingSetupException("Invalid TrainerOptions:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)));
        }
    }

    /// <summary>The options of this trainer.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model => _model;

    /// <summary>Trains from scratch (after seeding torch with <see cref="TrainerOptions.Seed"/>).</summary>
    /// <param name="trainingData">(input, target) batches; enumerated once per epoch.</param>
    /// <param name="validationData">Batches to validate on, or null to train without validation.</param>
    /// <param name="ct">Stops the run at the next step boundary; see <see cref="TrainingCanceledException"/>.</param>
    public TrainingResults Train(
        IEnumerable<(Tensor Input, Tensor Target)> trainingData,
        IEnumerable<(Tensor Input, Tensor Target)>? validationData = null,
        CancellationToken ct = default) =>
        Run(trainingData, validationData, resume: false, resumeDirectory: null, ct);

    /// <summary>
    /// Trains from scratch on a TorchSharp dataset (items with keys <c>data</c> and <c>label</c>),
    /// batched with <see cref="TrainerOptions.BatchSize"/> and shuffled per epoch with <see cref="TrainerOptions.Seed"/>.
    /// </summary>
    public TrainingResults Train(torch.utils.data.Dataset trainingData, torch.utils.data.Dataset? validationData = null, CancellationToken ct = default) =>
        Train(Batches(trainingData, shuffle: true), validationData is null ? null : Batches(validationData, shuffle: false), ct);

    /// <summary>
    /// Continues a run from its newest good checkpoint (model, optimizer, learning-rate schedule,
    /// random state and metrics so far), so that its metrics equal an uninterrupted run's. A damaged
    /// or incomplete checkpoint is skipped with a logged warning in favour of the previous good one.
    /// Pass the same data (and options) as the original run; <see cref="TrainerOptions.Epochs"/> may be raised.
    /// </summary>
    /// <param name="trainingData">The run's training batches.</param>
    /// <param name="validationData">The run's validation batches, or null.</param>
    /// <param name="checkpointDirectory">The run's checkpoint folder; default <see cref="TrainerOptions.CheckpointDirectory"/>. New checkpoints go to <see cref="TrainerOptions.CheckpointDirectory"/> when set, else here.</param>
    /// <param name="ct">Stops the run at the next step boundary.</param>
    public TrainingResults Resume(
        IEnumerable<(Tensor Input, Tensor Target)> trainingData,
        IEnumerable<(Tensor Input, Tensor Target)>? validationData = null,
        string? checkpointDirectory = null,
        CancellationToken ct = default) =>
        Run(trainingData, validationData, resume: true, checkpointDirectory, ct);

    /// <summary>Continues a run on a TorchSharp dataset; see <see cref="Resume(IEnumerable{ValueTuple{Tensor, Tensor}}, IEnumerable{ValueTuple{Tensor, Tensor}}?, string?, CancellationToken)"/>.</summary>
    public TrainingResults Resume(torch.utils.data.Dataset trainingData, torch.utils.data.Dataset? validationData = null, string? checkpointDirectory = null, CancellationToken ct = default) =>
        Resume(Batches(trainingData, shuffle: true), validationData is null ? null : Batches(validationData, shuffle: false), checkpointDirectory, ct);

    private IndexedBatches Batches(torch.utils.data.Dataset dataset, bool shuffle)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return TrainingData.FromDataset(dataset, Options.BatchSize, shuffle, Options.Seed);
    }

    private TrainingResults Run(
        IEnumerable<(Tensor Input, Tensor Target)> trainingData,
        IEnumerable<(Tensor Input, Tensor Target)>? validationData,
        bool resume,
        string? resumeDirectory,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        TorchNativeLibrary.EnsureLoaded(); // before the first TorchSharp call
        var plan = RunSetup.Prepare(Options, _model, trainingData, validationData, resume, resumeDirectory);
        return FitLoop.Run(plan, ct);
    }
}
