using TorchTrainer.Checkpoints;

namespace TorchTrainer.Fitting;

/// <summary>
/// Watches the monitored loss (<c>val/loss</c> with validation data, else <c>train/loss</c>) epoch by
/// epoch: the best value so far and how many counted epochs passed without beating it. It also
/// decides which epochs write a <c>best</c> checkpoint. Its state is saved in every checkpoint.
/// </summary>
internal sealed class EarlyStopping
{
    private readonly int? _patience;

    public EarlyStopping(int? patience, bool validated)
    {
        _patience = patience;
        Monitor = validated ? StandardColumns.ValLoss : StandardColumns.TrainLoss;
    }

    /// <summary>The column watched.</summary>
    public string Monitor { get; }

    /// <summary>The lowest monitored value so far (+∞ before the first counted epoch).</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>Counted epochs since <see cref="Best"/> last improved.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>The patience ran out: the run stops after this epoch.</summary>
    public bool ShouldStop => _patience is { } patience && EpochsWithoutImprovement >= patience;

    /// <summary>Feeds one epoch's row; returns whether the monitored loss improved. An epoch without a value (not validated, NaN) does not count.</summary>
    public bool Observe(IReadOnlyDictionary<string, double> row)
    {
        if (!row.TryGetValue(Monitor, out var monitored) || double.IsNaN(monitored))
        {
            return false;
        }

        if (monitored < Best)
        {
            Best = monitored;
            EpochsWithoutImprovement = 0;
            return true;
        }

        EpochsWithoutImprovement++;
        return false;
    }

    /// <summary>The state to save in a checkpoint.</summary>
    public EarlyStoppingState ToState() => new() { Monitor = Monitor, Best = Best, EpochsWithoutImprovement = EpochsWithoutImprovement };

    /// <summary>
    /// Continues from a checkpoint: its saved state when it watched the same column; otherwise (a
    /// checkpoint written before the state was saved, or one that watched the other loss) the state is
    /// rebuilt by replaying the checkpoint's rows as the original run saw them.
    /// </summary>
    public void Restore(EarlyStoppingState? saved, IEnumerable<IReadOnlyDictionary<string, double>> rows)
    {
        if (saved is not null && saved.Monitor == Monitor)
        {
            Best = saved.Best;
            EpochsWithoutImprovement = saved.EpochsWithoutImprovement;
            return;
        }

        Best = double.PositiveInfinity;
        EpochsWithoutImprovement = 0;
        foreach (var row in rows)
        {
            Observe(row);
        }
    }
}
