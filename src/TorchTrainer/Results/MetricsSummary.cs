using System.Collections;
using System.Text.Json.Serialization;

namespace TorchTrainer;

/// <summary>
/// The per-epoch metrics of a training run: one row per epoch, one column per metric.
/// Standard columns (<see cref="StandardColumns"/>) come first, in their standard order, then any
/// metrics the caller logged, in the order they first appeared. A value that was not measured in
/// an epoch (for example val/loss in an epoch without validation) is NaN.
/// </summary>
[JsonConverter(typeof(MetricsSummaryJsonConverter))]
public sealed class MetricsSummary : IReadOnlyList<EpochMetrics>
{
    private readonly string[] _columnNames;
    private readonly double[][] _columns;          // column-major: _columns[c][row]
    private readonly MetricColumn[] _views;          // one cached view per column, so reads copy nothing
    private readonly Dictionary<string, int> _index;
    private readonly EpochMetrics[] _rows;

    /// <summary>A table with no epochs and no columns.</summary>
    public static MetricsSummary Empty { get; } = new([], [], 0);

    internal MetricsSummary(string[] columnNames, double[][] columns, int rowCount)
    {
        _columnNames = columnNames;
        _columns = columns;
        _views = columns.Select(c => new MetricColumn(c)).ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < columnNames.Length; c++)
        {
            if (!_index.TryAdd(columnNames[c], c))
            {
                throw new ArgumentException($"Column '{columnNames[c]}' appears twice; every column name must be unique.", nameof(columnNames));
            }

            if (columns[c].Length != rowCount)
            {
                throw new ArgumentException($"Column '{columnNames[c]}' has {columns[c].Length} values but the table has {rowCount} rows.", nameof(columns));
            }
        }

        _rows = new EpochMetrics[rowCount];
        for (var r = 0; r < rowCount; r++)
        {
            _rows[r] = new EpochMetrics(this, r);
        }
    }

    /// <summary>
    /// Builds a table from one row per epoch, in epoch order. A row that lacks a column gets NaN
    /// there. When no row has an <c>epoch</c> value, epochs are numbered 1, 2, … in row order.
    /// </summary>
    public static MetricsSummary FromRows(IEnumerable<IReadOnlyDictionary<string, double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var rowList = rows.ToList();
        for (var r = 0; r < rowList.Count; r++)
        {
            if (rowList[r] is null)
            {
                throw new ArgumentException($"Row {r} is null; pass one dictionary of metric values per epoch.", nameof(rows));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var extras = new List<string>();
        foreach (var name in rowList.SelectMany(row => row.Keys))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A metric name is empty; name every column.", nameof(rows));
            }

            if (seen.Add(name) && !StandardColumns.All.Contains(name))
            {
                extras.Add(name);
            }
        }

        seen.Add(StandardColumns.Epoch); // every table has an epoch column
        var names = StandardColumns.All.Where(seen.Contains).Concat(extras).ToArray();
        var columns = new double[names.Length][];
        for (var c = 0; c < names.Length; c++)
        {
            var column = columns[c] = new double[rowList.Count];
            for (var r = 0; r < rowList.Count; r++)
            {
                column[r] = rowList[r].TryGetValue(names[c], out var value) ? value
                    : names[c] == StandardColumns.Epoch ? r + 1
                    : double.NaN;
            }
        }

        return new MetricsSummary(names, columns, rowList.Count);
    }

    /// <summary>The column names, standard columns first.</summary>
    public IReadOnlyList<string> ColumnNames => _columnNames;

    /// <summary>The number of epochs (rows).</summary>
    public int Count => _rows.Length;

    /// <summary>The metrics of the epoch at <paramref name="index"/> (0-based row index).</summary>
    public EpochMetrics this[int index] => _rows[index];

    /// <summary>All values of <paramref name="column"/>, one per epoch.</summary>
    /// <exception cref="KeyNotFoundException">There is no such column; the message names the columns there are.</exception>
    public IReadOnlyList<double> this[string column]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(column);
            return TryGetColumn(column, out var values) ? values : throw UnknownColumn(column);
        }
    }

    /// <summary>Reads a column without throwing when it does not exist.</summary>
    public bool TryGetColumn(string column, out IReadOnlyList<double> values)
    {
        if (column is not null && _index.TryGetValue(column, out var c))
        {
            values = _views[c];
            return true;
        }

        values = MetricColumn.Empty;
        return false;
    }

    /// <summary>Mean training loss per epoch (column <c>train/loss</c>); empty when the table has none.</summary>
    public IReadOnlyList<double> TrainLoss => ColumnOrEmpty(StandardColumns.TrainLoss);

    /// <summary>Validation loss per epoch (column <c>val/loss</c>, NaN where an epoch was not validated); empty without validation data.</summary>
    public IReadOnlyList<double> ValLoss => ColumnOrEmpty(StandardColumns.ValLoss);

    /// <summary>The final-metrics block of this table (Train Loss, Val Loss, Perplexity, Best Epoch), as <see cref="TrainingResults.ToString"/> prints it.</summary>
    public override string ToString() => FinalMetricsText.Format(new TrainingResults(this, TimeSpan.Zero, null));

    /// <inheritdoc />
    public IEnumerator<EpochMetrics> GetEnumerator() => ((IEnumerable<EpochMetrics>)_rows).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal int EpochOf(int row)
    {
        if (_index.TryGetValue(StandardColumns.Epoch, out var c))
        {
            var epoch = _columns[c][row];
            if (double.IsFinite(epoch) && epoch >= int.MinValue && epoch <= int.MaxValue)
            {
                return (int)epoch;
            }
        }

        return row + 1;
    }

    /// <summary>The raw column storage, for serializers in this assembly. Never hand it out.</summary>
    internal double[] RawColumn(int column) => _columns[column];

    private IReadOnlyList<double> ColumnOrEmpty(string column) => TryGetColumn(column, out var values) ? values : MetricColumn.Empty;

    private KeyNotFoundException UnknownColumn(string column)
    {
        var hint = Contract.ColumnNames.SuggestFor(column) is { } meant && _index.ContainsKey(meant) ? $" Did you mean '{meant}'?" : "";
        var known = _columnNames.Length == 0 ? "The table has no columns." : "Columns: " + string.Join(", ", _columnNames.Select(n => $"'{n}'")) + ".";
        return new KeyNotFoundException($"MetricsSummary has no column '{column}'.{hint} {known}");
    }
}
