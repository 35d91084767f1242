namespace TorchTrainer;

// The string-keyed view, for notebooks, scripts and dynamic callers.
public sealed partial class TrainingResults
{
    // A public collection type (ResultKeys.All is a compiler-made one that dynamic callers cannot see into).
    private static readonly System.Collections.ObjectModel.ReadOnlyCollection<string> KeyList = new([.. ResultKeys.All]);

    /// <summary>The keys of the string-keyed view (<see cref="ResultKeys.All"/>).</summary>
    public IReadOnlyCollection<string> Keys => KeyList;

    /// <summary>
    /// Reads a result by its results.json key. Reading a legacy key behaves exactly like reading the legacy member.
    /// <c>final_val_loss</c>, <c>perplexity</c> and <c>best_checkpoint</c> are null when the run had no validation
    /// data or wrote no checkpoint. Every value is of a public type (<see cref="TorchTrainer.MetricsSummary"/>,
    /// <see cref="double"/>, <see cref="int"/>, <see cref="string"/>, <see cref="MetricColumn"/>), so <c>dynamic</c>
    /// and PowerShell callers can use its members.
    /// </summary>
    /// <exception cref="KeyNotFoundException">Unknown key; the message names the valid keys (and the replacement of a renamed one).</exception>
    public object? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return key switch
            {
                ResultKeys.MetricsSummary => MetricsSummary,
                ResultKeys.FinalLoss => FinalLoss,
                ResultKeys.FinalValLoss => FinalValLoss,
                ResultKeys.Perplexity => Perplexity,
                ResultKeys.BestEpoch => BestEpoch,
                ResultKeys.TrainingTimeSeconds => TrainingTime.TotalSeconds,
                ResultKeys.BestCheckpoint => BestCheckpointPath,
                ResultKeys.LossHistory => ReadLegacy(LegacyMember.LossHistory),
                ResultKeys.ValLossHistory => ReadLegacy(LegacyMember.ValLossHistory),
                _ => throw UnknownKey(key),
            };
        }
    }

    private IReadOnlyList<double> ReadLegacy(LegacyMember member)
    {
        LegacyApiShim.OnUse(member, viaKey: true, Logger);
        return member == LegacyMember.LossHistory ? MetricsSummary.TrainLoss : MetricsSummary.ValLoss;
    }

    private static KeyNotFoundException UnknownKey(string key)
    {
        var meant = ResultKeys.All.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            ?? (Contract.KeyNames.Renamed.TryGetValue(key, out var renamed) ? renamed : null);
        var hint = meant is null ? "" : $" Did you mean '{meant}'?";
        return new KeyNotFoundException(
            $"TrainingResults has no key '{key}'.{hint} Valid keys: {string.Join(", ", ResultKeys.All.Select(k => $"'{k}'"))}.");
    }
}
