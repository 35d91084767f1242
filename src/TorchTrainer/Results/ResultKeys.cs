using TorchTrainer.Contract;

namespace TorchTrainer;

/// <summary>
/// The keys of <see cref="TrainingResults"/>' string-keyed view. They are also the keys of
/// results.json, which readers in other languages rely on. Defined once in src/Shared/ContractNames.cs, which the
/// analyzers compile too.
/// </summary>
public static class ResultKeys
{
#pragma warning disable CS1591 // each name is its own documentation; docs/contract.md describes the values
    public const string MetricsSummary = KeyNames.MetricsSummary;
    public const string FinalLoss = KeyNames.FinalLoss;
    public const string FinalValLoss = KeyNames.FinalValLoss;
    public const string Perplexity = KeyNames.Perplexity;
    public const string BestEpoch = KeyNames.BestEpoch;
    public const string TrainingTimeSeconds = KeyNames.TrainingTimeSeconds;
    public const string BestCheckpoint = KeyNames.BestCheckpoint;
    public const string LossHistory = KeyNames.LossHistory;
    public const string ValLossHistory = KeyNames.ValLossHistory;
#pragma warning restore CS1591

    /// <summary>Every key, modern first, then the legacy ones (deprecated until v5.0).</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(KeyNames.All);

    /// <summary>The legacy keys, listed as <c>deprecated_keys</c> in results.json.</summary>
    public static IReadOnlyList<string> Deprecated { get; } = Array.AsReadOnly(KeyNames.Deprecated);
}
