namespace TorchTrainer;

/// <summary>
/// The keys of <see cref="TrainingResults"/>' string-keyed view. They are also the keys of
/// results.json, which readers in other languages rely on.
/// </summary>
public static class ResultKeys
{
#pragma warning disable CS1591 // each name is its own documentation; the contract describes the values
    public const string MetricsSummary = "metrics_summary";
    public const string FinalLoss = "final_loss";
    public const string FinalValLoss = "final_val_loss";
    public const string Perplexity = "perplexity";
    public const string BestEpoch = "best_epoch";
    public const string TrainingTimeSeconds = "training_time_s";
    public const string BestCheckpoint = "best_checkpoint";
    public const string LossHistory = "loss_history";
    public const string ValLossHistory = "val_loss_history";
#pragma warning restore CS1591

    /// <summary>Every key, modern first, then the legacy ones (deprecated until v5.0).</summary>
    public static IReadOnlyList<string> All { get; } =
        [MetricsSummary, FinalLoss, FinalValLoss, Perplexity, BestEpoch, TrainingTimeSeconds, BestCheckpoint, LossHistory, ValLossHistory];

    /// <summary>The legacy keys, listed as <c>deprecated_keys</c> in results.json.</summary>
    public static IReadOnlyList<string> Deprecated { get; } = [LossHistory, ValLossHistory];

    /// <summary>Keys people reach for that were never valid, or were renamed, and the key they mean.</summary>
    internal static IReadOnlyDictionary<string, string> Renamed { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["final_train_loss"] = FinalLoss,
        ["train_loss"] = FinalLoss,
        ["loss"] = FinalLoss,
        ["val_loss"] = FinalValLoss,
        ["final_validation_loss"] = FinalValLoss,
        ["best_checkpoint_path"] = BestCheckpoint,
        ["training_time"] = TrainingTimeSeconds,
        ["metrics"] = MetricsSummary,
        ["history"] = MetricsSummary,
    };
}
