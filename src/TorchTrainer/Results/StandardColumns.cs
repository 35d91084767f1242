using TorchTrainer.Contract;

namespace TorchTrainer;

/// <summary>
/// The names of the columns every <see cref="MetricsSummary"/> may hold, in table order. Defined once, with the
/// aliases of the "did you mean" hints, in src/Shared/ContractNames.cs, which the analyzers compile too.
/// </summary>
public static class StandardColumns
{
    /// <summary>1-based epoch number.</summary>
    public const string Epoch = ColumnNames.Epoch;

    /// <summary>Mean training loss of the epoch.</summary>
    public const string TrainLoss = ColumnNames.TrainLoss;

    /// <summary>Mean validation loss of the epoch; NaN for an epoch that was not validated.</summary>
    public const string ValLoss = ColumnNames.ValLoss;

    /// <summary>exp(val/loss) of the epoch; NaN for an epoch that was not validated.</summary>
    public const string ValPerplexity = ColumnNames.ValPerplexity;

    /// <summary>Learning rate at the end of the epoch.</summary>
    public const string LearningRate = ColumnNames.LearningRate;

    /// <summary>Wall time of the epoch in seconds.</summary>
    public const string EpochSeconds = ColumnNames.EpochSeconds;

    /// <summary>All standard columns, in the order a table lists them.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(ColumnNames.All);
}
