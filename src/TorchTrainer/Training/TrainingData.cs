using System.Collections;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTrainer;

/// <summary>
/// Data whose order depends on the epoch (like PyTorch's <c>DistributedSampler.set_epoch</c>).
/// The trainer calls <see cref="SetEpoch"/> before it iterates the data for an epoch, so a resumed
/// run sees exactly the batches the uninterrupted run saw. Implement it on your own shuffled data.
/// </summary>
public interface IEpochAwareData
{
    /// <summary>Selects the order of the 1-based <paramref name="epoch"/>'s iteration.</summary>
    void SetEpoch(int epoch);
}

/// <summary>
/// Adapters that turn tensors, TorchSharp datasets and data loaders into the
/// <c>IEnumerable&lt;(Tensor Input, Tensor Target)&gt;</c> batches a <see cref="Trainer"/> reads.
/// Every adapter can be iterated again for every epoch. Batch tensors it creates are disposed by
/// the trainer's per-step dispose scope.
/// </summary>
public static class TrainingData
{
    /// <summary>
    /// Batches two in-memory tensors along their first dimension. With <paramref name="shuffle"/>,
    /// each epoch has its own order derived from <paramref name="seed"/> and the epoch number.
    /// The tensors stay the caller's.
    /// </summary>
    public static TensorBatches FromTensors(Tensor inputs, Tensor targets, int batchSize, bool shuffle = false, long seed = 0, bool dropLast = false) =>
        new(inputs, targets, batchSize, shuffle, seed, dropLast);

    /// <summary>
    /// Batches a TorchSharp <see cref="torch.utils.data.Dataset"/> (items are dictionaries) by stacking
    /// <paramref name="inputKey"/> and <paramref name="targetKey"/> of each item.
    /// </summary>
    public static IndexedBatches FromDataset(torch.utils.data.Dataset dataset, int batchSize, bool shuffle = false, long seed = 0, string inputKey = "data", string targetKey = "label", bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrEmpty(inputKey);
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        return new IndexedBatches(dataset.Count, i => Pick(dataset.GetTensor(i), inputKey, targetKey), batchSize, shuffle, seed, dropLast);
    }

    /// <summary>
    /// Batches a TorchSharp <see cref="torch.utils.data.IterableDataset"/> such as
    /// <c>torch.utils.data.TensorDataset(inputs, targets)</c>: item[0] is the input, item[1] the target.
    /// </summary>
    public static IndexedBatches FromDataset(torch.utils.data.IterableDataset dataset, int batchSize, bool shuffle = false, long seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new IndexedBatches(dataset.Count, i => Pick(dataset.GetTensor(i)), batchSize, shuffle, seed, dropLast);
    }

    /// <summary>
    /// Reads the batches of a TorchSharp <see cref="DataLoader"/> (batches are dictionaries). The
    /// loader decides order and shuffling; for exactly reproducible resumes prefer
    /// <see cref="FromDataset(torch.utils.data.Dataset, int, bool, long, string, string, bool)"/>.
    /// </summary>
    public static LoaderBatches<Dictionary<string, Tensor>> FromDataLoader(DataLoader loader, string inputKey = "data", string targetKey = "label")
    {
        ArgumentNullException.ThrowIfNull(loader);
        return new LoaderBatches<Dictionary<string, Tensor>>(loader, loader.Count, b => Pick(b, inputKey, targetKey));
    }

    /// <summary>Reads the batches of a TorchSharp <see cref="IterableDataLoader"/>: batch[0] is the input, batch[1] the target.</summary>
    public static LoaderBatches<IList<Tensor>> FromDataLoader(IterableDataLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return new LoaderBatches<IList<Tensor>>(loader, loader.Count, Pick);
    }

    private static (Tensor, Tensor) Pick(IReadOnlyDictionary<string, Tensor> item, string inputKey, string targetKey)
    {
        if (!item.TryGetValue(inputKey, out var input) || !item.TryGetValue(targetKey, out var target))
        {
            throw new InvalidOperationException(
                $"A dataset item has the keys {string.Join(", ", item.Keys.Select(k => $"'{k}'"))}, but the trainer reads '{inputKey}' (input) and '{targetKey}' (target). " +
                "Pass inputKey and targetKey to TrainingData.FromDataset / FromDataLoader.");
        }

        return (input, target);
    }

    private static (Tensor, Tensor) Pick(Dictionary<string, Tensor> item, string inputKey, string targetKey) =>
        Pick((IReadOnlyDictionary<string, Tensor>)item, inputKey, targetKey);

    private static (Tensor, Tensor) Pick(IList<Tensor> item) => item.Count >= 2
        ? (item[0], item[1])
        : throw new InvalidOperationException($"A dataset item holds {item.Count} tensor(s); the trainer needs two: [input, target].");

    /// <summary>A permutation of 0..count-1 for one epoch; a pure function of (seed, epoch), stable across .NET versions.</summary>
    internal static long[] Permutation(long count, long seed, int epoch)
    {
        var order = new long[count];
        for (long i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)epoch * 0xD1B54A32D192ED03UL);
        for (var i = count - 1; i > 0; i--)
        {
            var j = (long)(NextSplitMix(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static ulong NextSplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal static int BatchCount(long items, int batchSize, bool dropLast) =>
        checked((int)(dropLast ? items / batchSize : (items + batchSize - 1) / batchSize));
}

/// <summary>Mini-batches of two in-memory tensors; see <see cref="TrainingData.FromTensors"/>.</summary>
public sealed class TensorBatches : IReadOnlyCollection<(Tensor Input, Tensor Target)>, IEpochAwareData
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly long _seed;
    private readonly bool _dropLast;
    private int _epoch = 1;

    internal TensorBatches(Tensor inputs, Tensor targets, int batchSize, bool shuffle, long seed, bool dropLast)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (inputs.dim() == 0 || targets.dim() == 0 || inputs.shape[0] != targets.shape[0])
        {
            throw new ArgumentException(
                $"Inputs [{string.Join(", ", inputs.shape)}] and targets [{string.Join(", ", targets.shape)}] must have the same first (sample) dimension.",
                nameof(targets));
        }

        (_inputs, _targets, _batchSize, _shuffle, _seed, _dropLast) = (inputs, targets, batchSize, shuffle, seed, dropLast);
        Samples = inputs.shape[0];
    }

    /// <summary>Number of samples.</summary>
    public long Samples { get; }

    /// <summary>Number of batches per epoch.</summary>
    public int Count => TrainingData.BatchCount(Samples, _batchSize, _dropLast);

    /// <inheritdoc />
    public void SetEpoch(int epoch) => _epoch = epoch;

    /// <inheritdoc />
    public IEnumerator<(Tensor Input, Tensor Target)> GetEnumerator()
    {
        var count = Count;
        var order = _shuffle ? TrainingData.Permutation(Samples, _seed, _epoch) : null;
        for (var b = 0; b < count; b++)
        {
            long start = (long)b * _batchSize;
            var length = Math.Min(_batchSize, Samples - start);
            if (order is null)
            {
                yield return (_inputs.narrow(0, start, length), _targets.narrow(0, start, length));
            }
            else
            {
                using var index = torch.tensor(order.AsSpan((int)start, (int)length).ToArray(), device: _inputs.device);
                yield return (_inputs.index_select(0, index), _targets.index_select(0, index));
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Mini-batches stacked from a dataset's items; see <see cref="TrainingData.FromDataset(torch.utils.data.Dataset, int, bool, long, string, string, bool)"/>.</summary>
public sealed class IndexedBatches : IReadOnlyCollection<(Tensor Input, Tensor Target)>, IEpochAwareData
{
    private readonly long _items;
    private readonly Func<long, (Tensor, Tensor)> _item;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly long _seed;
    private readonly bool _dropLast;
    private int _epoch = 1;

    internal IndexedBatches(long items, Func<long, (Tensor, Tensor)> item, int batchSize, bool shuffle, long seed, bool dropLast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        (_items, _item, _batchSize, _shuffle, _seed, _dropLast) = (items, item, batchSize, shuffle, seed, dropLast);
    }

    /// <summary>Number of batches per epoch.</summary>
    public int Count => TrainingData.BatchCount(_items, _batchSize, _dropLast);

    /// <inheritdoc />
    public void SetEpoch(int epoch) => _epoch = epoch;

    /// <inheritdoc />
    public IEnumerator<(Tensor Input, Tensor Target)> GetEnumerator()
    {
        var count = Count;
        var order = _shuffle ? TrainingData.Permutation(_items, _seed, _epoch) : null;
        for (var b = 0; b < count; b++)
        {
            long start = (long)b * _batchSize;
            var length = (int)Math.Min(_batchSize, _items - start);
            var inputs = new Tensor[length];
            var targets = new Tensor[length];
            for (var i = 0; i < length; i++)
            {
                (inputs[i], targets[i]) = _item(order?[start + i] ?? start + i);
            }

            yield return (torch.stack(inputs), torch.stack(targets));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The batches of a TorchSharp data loader; see <see cref="TrainingData.FromDataLoader(DataLoader, string, string)"/>.</summary>
public sealed class LoaderBatches<TBatch> : IReadOnlyCollection<(Tensor Input, Tensor Target)>
{
    private readonly IEnumerable<TBatch> _loader;
    private readonly long _count;
    private readonly Func<TBatch, (Tensor, Tensor)> _pick;

    internal LoaderBatches(IEnumerable<TBatch> loader, long count, Func<TBatch, (Tensor, Tensor)> pick) =>
        (_loader, _count, _pick) = (loader, count, pick);

    /// <summary>Number of batches per epoch, as the loader reports it.</summary>
    public int Count => checked((int)_count);

    /// <inheritdoc />
    public IEnumerator<(Tensor Input, Tensor Target)> GetEnumerator()
    {
        foreach (var batch in _loader)
        {
            yield return _pick(batch);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
