namespace TorchTrainer;

/// <summary>
/// The training data, validation data, options, output folders or the checkpoint to resume cannot
/// work. Thrown by the <see cref="Trainer"/> constructor, and by Train and Resume before the first
/// training step (nothing has been trained or written yet, so there are no partial results); never
/// wrapped. The message names the cause and the fix.
/// </summary>
/// <remarks>
/// A problem the data shows only after training started (an enumerable that yields no batch in a
/// later epoch, or resume data shorter than the checkpoint's position) fails the run with
/// <see cref="TrainingFailedException"/>, which carries the partial results.
/// </remarks>
public sealed class TrainingSetupException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public TrainingSetupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that revealed the problem.</summary>
    public TrainingSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A run stopped with an error after it started. <see cref="PartialResults"/> holds the metrics
/// of the epochs that completed (also saved as results.json when an output folder is set), and
/// <see cref="LastGoodCheckpoint"/> the checkpoint to resume from.
/// </summary>
public class TrainingFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingFailedException(string message, TrainingResults partialResults, string? lastGoodCheckpoint, Exception? innerException = null)
        : base(message, innerException)
    {
        PartialResults = partialResults;
        LastGoodCheckpoint = lastGoodCheckpoint;
    }

    /// <summary>The results of the epochs that completed before the failure.</summary>
    public TrainingResults PartialResults { get; }

    /// <summary>The newest checkpoint written before the failure, or null when the run wrote none.</summary>
    public string? LastGoodCheckpoint { get; }
}

/// <summary>
/// The training loss became NaN or infinite. Names the 1-based epoch and step (within the epoch)
/// of the first non-finite loss. The checkpoints on disk predate it.
/// </summary>
public sealed class NonFiniteLossException : TrainingFailedException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteLossException(int epoch, int step, TrainingResults partialResults, string? lastGoodCheckpoint)
        : base(
            $"The training loss became non-finite (NaN or infinity) in epoch {epoch}, step {step}. " +
            "Training stopped; the metrics of the completed epochs are in PartialResults" +
            (lastGoodCheckpoint is null ? "." : $" and the last good checkpoint is '{lastGoodCheckpoint}'.") +
            " Usual fixes: a lower LearningRate, GradientClipNorm, a warm-up (LearningRateSchedule), or checking the data for NaN.",
            partialResults,
            lastGoodCheckpoint)
    {
        Epoch = epoch;
        Step = step;
    }

    /// <summary>1-based epoch of the first non-finite loss.</summary>
    public int Epoch { get; }

    /// <summary>1-based step within <see cref="Epoch"/> of the first non-finite loss.</summary>
    public int Step { get; }
}

/// <summary>
/// The run was cancelled through its <see cref="CancellationToken"/>. It stopped at a step
/// boundary and saved its <c>last</c> checkpoint (when checkpoints are on), so
/// <see cref="Trainer.Resume(IEnumerable{ValueTuple{TorchSharp.torch.Tensor, TorchSharp.torch.Tensor}}, IEnumerable{ValueTuple{TorchSharp.torch.Tensor, TorchSharp.torch.Tensor}}?, string?, CancellationToken)"/>
/// continues it exactly. <see cref="PartialResults"/> holds the completed epochs.
/// </summary>
public sealed class TrainingCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public TrainingCanceledException(TrainingResults partialResults, string? checkpoint, int epoch, int step, CancellationToken token)
        : base(
            $"Training was cancelled in epoch {epoch} after step {step}." +
            (checkpoint is null ? " No checkpoint was written (CheckpointDirectory is not set)." : $" The run was saved to '{checkpoint}'; Trainer.Resume continues it."),
            token)
    {
        PartialResults = partialResults;
        Checkpoint = checkpoint;
    }

    /// <summary>The results of the epochs that completed before the cancellation.</summary>
    public TrainingResults PartialResults { get; }

    /// <summary>The checkpoint written at cancellation, or null when checkpoints are off.</summary>
    public string? Checkpoint { get; }
}
