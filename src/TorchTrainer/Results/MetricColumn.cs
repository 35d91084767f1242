using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;

namespace TorchTrainer;

/// <summary>
/// The values of one column of a <see cref="MetricsSummary"/>, one per epoch, read-only. This is what
/// <see cref="MetricsSummary.TrainLoss"/>, <see cref="MetricsSummary.ValLoss"/>, the column indexer and
/// the legacy <c>LossHistory</c> / <c>ValLossHistory</c> hand out (declared as <see cref="IReadOnlyList{T}"/>).
/// </summary>
/// <remarks>
/// The type is public so that late-bound callers see its members: C# <c>dynamic</c>
/// (<c>r.LossHistory.Count</c>, <c>r.LossHistory[0]</c>), reflection, PowerShell and notebook displays bind to
/// the run-time type, and an internal one looks to them like a plain <see cref="object"/>.
/// It wraps the table's own storage, so handing it out copies nothing and callers cannot change the results.
/// It also implements the read-only side of <see cref="IList{T}"/>, so LINQ's <c>Last()</c>,
/// <c>ElementAt()</c>, <c>ToArray()</c> and <c>ToList()</c> take their O(1) / bulk-copy paths
/// instead of enumerating (v3 code calls <c>LossHistory.Last()</c> in loops).
/// </remarks>
[DebuggerDisplay("Count = {Count}")]
[JsonConverter(typeof(MetricColumnJsonConverter))]
public sealed class MetricColumn : IReadOnlyList<double>, IList<double>
{
    private readonly double[] _values;

    internal MetricColumn(double[] values) => _values = values;

    internal static MetricColumn Empty { get; } = new([]);

    /// <summary>The value of the epoch at <paramref name="index"/> (0-based row index).</summary>
    public double this[int index] => _values[index];

    double IList<double>.this[int index]
    {
        get => _values[index];
        set => throw ReadOnly();
    }

    /// <summary>The number of values (epochs).</summary>
    public int Count => _values.Length;

    bool ICollection<double>.IsReadOnly => true;

    /// <summary>Whether the column holds <paramref name="item"/> (NaN matches NaN).</summary>
    public bool Contains(double item) => Array.IndexOf(_values, item) >= 0;

    /// <summary>The 0-based index of the first <paramref name="item"/>, or -1.</summary>
    public int IndexOf(double item) => Array.IndexOf(_values, item);

    /// <summary>Copies the values into <paramref name="array"/> from <paramref name="arrayIndex"/> on.</summary>
    public void CopyTo(double[] array, int arrayIndex) => _values.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();

    void ICollection<double>.Add(double item) => throw ReadOnly();

    void ICollection<double>.Clear() => throw ReadOnly();

    bool ICollection<double>.Remove(double item) => throw ReadOnly();

    void IList<double>.Insert(int index, double item) => throw ReadOnly();

    void IList<double>.RemoveAt(int index) => throw ReadOnly();

    /// <summary>The values as a list, e.g. <c>[2.91, 2.5]</c>, in invariant culture and round-trip precision.</summary>
    public override string ToString() => "[" + string.Join(", ", _values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    private static NotSupportedException ReadOnly() =>
        new("Training results are read-only; copy the values first (for example with ToList()) to change them.");
}
