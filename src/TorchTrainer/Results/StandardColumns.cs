namespace TorchTrainer;

/// <summary>The names of the columns every <see cref="MetricsSummary"/> may hold, in table order.</summary>
public static class StandardColumns
{
    /// <summary>1-based epoch number.</summary>
    public const string Epoch = "epoch";

    /// <summary>Mean training loss of the epoch.</summary>
    public const string TrainLoss = "train/loss";

    /// <summary>Mean validation loss of the epoch; NaN for an epoch that was not validated.</summary>
    public const string ValLoss = "val/loss";

    /// <summary>exp(val/loss) of the epoch; NaN for an epoch that was not validated.</summary>
    public const string ValPerplexity = "val/perplexity";

    /// <summary>Learning rate at the end of the epoch.</summary>
    public const string LearningRate = "lr";

    /// <summary>Wall time of the epoch in seconds.</summary>
    public const string EpochSeconds = "time/epoch_s";

    /// <summary>All standard columns, in the order a table lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Epoch, TrainLoss, ValLoss, ValPerplexity, LearningRate, EpochSeconds];

    /// <summary>Names people wrote for a standard column before v4 (or by habit), and the column they mean.</summary>
    internal static IReadOnlyDictionary<string, string> KnownAliases { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["loss"] = TrainLoss,
        ["train_loss"] = TrainLoss,
        ["loss_history"] = TrainLoss,
        ["val_loss"] = ValLoss,
        ["val_loss_history"] = ValLoss,
        ["perplexity"] = ValPerplexity,
        ["learning_rate"] = LearningRate,
    };
}
