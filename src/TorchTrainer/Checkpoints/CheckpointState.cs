using System.Text.Json.Serialization;

namespace TorchTrainer.Checkpoints;

/// <summary>state.json of a checkpoint: where the run stands, in plain numbers.</summary>
internal sealed class CheckpointState
{
    public const int CurrentFormat = 1;
    public const string FileName = "state.json";

    [JsonPropertyName("format")]
    public int Format { get; set; } = CurrentFormat;

    /// <summary>Epochs fully completed (trained, validated, metrics recorded).</summary>
    [JsonPropertyName("epochs_completed")]
    public int EpochsCompleted { get; set; }

    /// <summary>Steps already taken in epoch EpochsCompleted + 1 (non-zero only for a checkpoint written on cancellation).</summary>
    [JsonPropertyName("step_in_epoch")]
    public int StepInEpoch { get; set; }

    /// <summary>Optimizer steps since the run began: the learning-rate schedule's position.</summary>
    [JsonPropertyName("global_step")]
    public long GlobalStep { get; set; }

    /// <summary>Bits of the float32 running loss sum of the unfinished epoch (StepInEpoch &gt; 0), so a resumed epoch sums exactly as the uninterrupted one.</summary>
    [JsonPropertyName("epoch_loss_sum_bits")]
    public int EpochLossSumBits { get; set; }

    /// <summary>Early stopping ended the run: resuming it trains nothing more.</summary>
    [JsonPropertyName("stopped_early")]
    public bool StoppedEarly { get; set; }

    /// <summary>Seed of the run: torch's generator state is saved separately (rng.bin); shuffling adapters derive each epoch's order from (seed, epoch).</summary>
    [JsonPropertyName("seed")]
    public long Seed { get; set; }

    /// <summary>Wall time spent training so far, across resumes.</summary>
    [JsonPropertyName("training_time_s")]
    public double TrainingTimeSeconds { get; set; }

    /// <summary>The metrics rows of the completed epochs.</summary>
    [JsonPropertyName("rows")]
    public List<Dictionary<string, double>> Rows { get; set; } = [];

    /// <summary>Early stopping after the completed epochs; null in checkpoints written before it was saved (their rows are replayed instead).</summary>
    [JsonPropertyName("early_stopping")]
    public EarlyStoppingState? EarlyStopping { get; set; }
}

/// <summary>The <c>early_stopping</c> object of state.json.</summary>
internal sealed class EarlyStoppingState
{
    /// <summary>The watched column (<c>val/loss</c> or <c>train/loss</c>).</summary>
    [JsonPropertyName("monitor")]
    public string Monitor { get; set; } = "";

    /// <summary>The lowest watched value so far; <c>"Infinity"</c> before the first counted epoch.</summary>
    [JsonPropertyName("best")]
    public double Best { get; set; }

    /// <summary>Counted epochs since <see cref="Best"/> last improved.</summary>
    [JsonPropertyName("epochs_without_improvement")]
    public int EpochsWithoutImprovement { get; set; }
}
