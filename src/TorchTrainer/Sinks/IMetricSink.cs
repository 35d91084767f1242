namespace TorchTrainer;

/// <summary>
/// Receives a run's metrics as training goes: a console view, a CSV or JSON Lines file,
/// TensorBoard, a plot. The trainer calls a sink off the training thread with a time bound, so a
/// sink that throws or hangs never stops training; it is reported once and disabled after
/// repeated failures.
/// </summary>
public interface IMetricSink
{
    /// <summary>Called once before the first step.</summary>
    void OnTrainingStart(TrainingStartInfo info);

    /// <summary>Called once per log interval with the mean loss over that interval.</summary>
    void OnStep(StepProgress step);

    /// <summary>Called after each epoch (and its validation, when it had one) with the epoch's row.</summary>
    void OnEpochEnd(EpochMetrics metrics);

    /// <summary>Called once at the end, also when the run failed or was cancelled (with the metrics so far).</summary>
    void OnTrainingEnd(TrainingResults results);
}

/// <summary>What a sink learns when a run starts.</summary>
/// <param name="Epochs">Epochs the run will train at most (early stopping may end it sooner).</param>
/// <param name="StepsPerEpoch">Batches per epoch, when the data knows its length.</param>
/// <param name="StartEpoch">1-based epoch the run starts at (greater than 1 when resuming).</param>
/// <param name="OutputDirectory">Where results.json and the run's files go; null when the run writes no files.</param>
public sealed record TrainingStartInfo(int Epochs, int? StepsPerEpoch, int StartEpoch, string? OutputDirectory);

/// <summary>Progress within an epoch, reported once per log interval.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="StepsPerEpoch">Batches per epoch, when known.</param>
/// <param name="GlobalStep">Steps since the run began, across epochs.</param>
/// <param name="Loss">Mean training loss over the steps since the previous report.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
public sealed record StepProgress(int Epoch, int Step, int? StepsPerEpoch, long GlobalStep, double Loss, double LearningRate);
