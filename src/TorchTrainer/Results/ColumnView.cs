using System.Collections;

namespace TorchTrainer;

/// <summary>
/// A read-only view of one column of a <see cref="MetricsSummary"/>. It wraps the table's own
/// storage, so handing it out copies nothing and callers cannot change the results.
/// It also implements the read-only side of <see cref="IList{T}"/>, so LINQ's <c>Last()</c>,
/// <c>ElementAt()</c>, <c>ToArray()</c> and <c>ToList()</c> take their O(1) / bulk-copy paths
/// instead of enumerating (v3 code calls <c>LossHistory.Last()</c> in loops).
/// </summary>
internal sealed class ColumnView(double[] values) : IReadOnlyList<double>, IList<double>
{
    public static ColumnView Empty { get; } = new([]);

    public double this[int index] => values[index];

    double IList<double>.this[int index]
    {
        get => values[index];
        set => throw ReadOnly();
    }

    public int Count => values.Length;

    bool ICollection<double>.IsReadOnly => true;

    public bool Contains(double item) => Array.IndexOf(values, item) >= 0;

    public int IndexOf(double item) => Array.IndexOf(values, item);

    public void CopyTo(double[] array, int arrayIndex) => values.CopyTo(array, arrayIndex);

    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => values.GetEnumerator();

    void ICollection<double>.Add(double item) => throw ReadOnly();

    void ICollection<double>.Clear() => throw ReadOnly();

    bool ICollection<double>.Remove(double item) => throw ReadOnly();

    void IList<double>.Insert(int index, double item) => throw ReadOnly();

    void IList<double>.RemoveAt(int index) => throw ReadOnly();

    public override string ToString() => "[" + string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";

    private static NotSupportedException ReadOnly() =>
        new("Training results are read-only; copy the values first (for example with ToList()) to change them.");
}
