using System.Text.Json.Serialization;

namespace TorchTrainer;

/// <summary>One row of a <see cref="MetricsSummary"/>: the metrics of one epoch.</summary>
[JsonConverter(typeof(EpochMetricsJsonConverter))]
public sealed class EpochMetrics
{
    private readonly MetricsSummary _table;
    private readonly int _row;

    internal EpochMetrics(MetricsSummary table, int row)
    {
        _table = table;
        _row = row;
    }

    /// <summary>The 1-based epoch number.</summary>
    public int Epoch => _table.EpochOf(_row);

    /// <summary>The columns this row has values for (all columns of its table).</summary>
    public IReadOnlyList<string> ColumnNames => _table.ColumnNames;

    /// <summary>The value of <paramref name="column"/> in this epoch (NaN where it was not measured).</summary>
    /// <exception cref="KeyNotFoundException">The table has no such column; the message names the columns it has.</exception>
    public double this[string column] => _table[column][_row];

    /// <summary>Reads a value without throwing when the column does not exist.</summary>
    public bool TryGetValue(string column, out double value)
    {
        if (_table.TryGetColumn(column, out var values))
        {
            value = values[_row];
            return true;
        }

        value = double.NaN;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", ColumnNames.Select(c => $"{c}={this[c].ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}"));
}
