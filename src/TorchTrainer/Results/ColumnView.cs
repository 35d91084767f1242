using System.Collections;

namespace TorchTrainer;

/// <summary>
/// A read-only view of one column of a <see cref="MetricsSummary"/>. It wraps the table's own
/// storage, so handing it out copies nothing and callers cannot change the results.
/// </summary>
internal sealed class ColumnView(double[] values) : IReadOnlyList<double>
{
    public static ColumnView Empty { get; } = new([]);

    public double this[int index] => values[index];

    public int Count => values.Length;

    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => values.GetEnumerator();

    public override string ToString() => "[" + string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
