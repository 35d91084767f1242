using TorchTrainer.Checkpoints;
using static TorchSharp.torch;

namespace TorchTrainer.Fitting;

/// <summary>
/// What set-up decided for one call to Train or Resume, before the first step: the data, the
/// device, the step counts the schedule needs, where checkpoints go and where a resume starts.
/// </summary>
internal sealed record RunPlan(
    TrainerOptions Options,
    nn.Module<Tensor, Tensor> Model,
    IEnumerable<(Tensor Input, Tensor Target)> Train,
    IEnumerable<(Tensor Input, Tensor Target)>? Validation,
    Device Device,
    int? StepsPerEpoch,
    long TotalSteps,
    Checkpointer? Checkpointer,
    ResumePoint? ResumeFrom)
{
    /// <summary>The full path of <see cref="TrainerOptions.OutputDirectory"/>, or null.</summary>
    public string? OutputDirectory => Options.OutputDirectory is { } d ? Path.GetFullPath(d) : null;
}

/// <summary>A verified checkpoint to continue from, with its state.json.</summary>
internal sealed record ResumePoint(string Path, CheckpointState State);
