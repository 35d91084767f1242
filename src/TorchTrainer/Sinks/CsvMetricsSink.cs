using System.Text;

namespace TorchTrainer;

/// <summary>
/// Writes the run's <see cref="MetricsSummary"/> as CSV, one row per epoch as each epoch ends, so a
/// spreadsheet or <c>pandas.read_csv</c> can follow a run while it trains.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The header is the first epoch's column names (<c>epoch,train/loss,val/loss,…</c>), quoted only where RFC 4180 needs it.</item>
/// <item>Numbers use the invariant culture in round-trip form (<c>0.6931471805599453</c>, <c>1</c>, <c>1E-05</c>), whatever the machine's culture.</item>
/// <item>A value that was not measured (NaN, such as <c>val/loss</c> in an epoch without validation) is an <b>empty field</b>;
/// <c>pandas.read_csv</c> reads it back as NaN. Infinities are written <c>Infinity</c> / <c>-Infinity</c>.</item>
/// <item>The file is UTF-8 without a byte order mark, lines end in <c>\n</c> on every OS, and it is flushed after every epoch.</item>
/// <item>When later epochs bring columns the header lacks (a metric logged from epoch 3 on), the file is rewritten
/// at the end of the run from the final table, so every column is there (file targets only).</item>
/// <item>When a run resumes (<see cref="TrainingStartInfo.StartEpoch"/> &gt; 1) and the file exists, rows are appended under its header.</item>
/// </list>
/// </remarks>
public sealed class CsvMetricsSink : IMetricSink, IDisposable
{
    /// <summary>The file name used in the run's output directory when no path is given.</summary>
    public const string DefaultFileName = "metrics.csv";

    private readonly string? _path;
    private readonly bool _external;
    private TextWriter? _writer;
    private string[]? _columns;
    private bool _columnsGrew;

    /// <summary>Writes to <paramref name="path"/>, or to <c>metrics.csv</c> in the run's output directory when it is null.</summary>
    public CsvMetricsSink(string? path = null) => _path = path;

    /// <summary>Writes to <paramref name="writer"/>, which the sink flushes but never closes.</summary>
    public CsvMetricsSink(TextWriter writer)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _external = true;
    }

    /// <summary>The file being written, once the run has started (null for a <see cref="TextWriter"/> target).</summary>
    public string? FilePath { get; private set; }

    /// <inheritdoc />
    public void OnTrainingStart(TrainingStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        _columnsGrew = false;
        if (_external)
        {
            return;
        }

        CloseFile();
        _columns = null;
        var path = SinkFiles.Resolve(_path, info, DefaultFileName, nameof(CsvMetricsSink));
        SinkFiles.EnsureDirectoryOf(path);
        var append = info.StartEpoch > 1 && File.Exists(path) && ReadHeader(path) is { Length: > 0 } header
            ? header
            : null;
        _columns = append;
        var stream = new FileStream(path, append is null ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        FilePath = path;
    }

    /// <inheritdoc />
    public void OnStep(StepProgress step)
    {
        // One row per epoch: step reports are not written.
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var writer = _writer ?? throw new InvalidOperationException($"{nameof(CsvMetricsSink)} got an epoch before {nameof(OnTrainingStart)}.");
        if (_columns is null)
        {
            _columns = metrics.ColumnNames.ToArray();
            writer.WriteLine(string.Join(",", _columns.Select(Quote)));
        }

        _columnsGrew |= metrics.ColumnNames.Except(_columns).Any();
        writer.WriteLine(string.Join(",", _columns.Select(c => metrics.TryGetValue(c, out var v) ? Format(v) : "")));
        writer.Flush();
    }

    /// <inheritdoc />
    public void OnTrainingEnd(TrainingResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        _writer?.Flush();
        if (_external)
        {
            return;
        }

        CloseFile();
        if (_columnsGrew && FilePath is { } path)
        {
            RewriteAtomically(path, results.MetricsSummary);
        }
    }

    /// <summary>Closes the file (a <see cref="TextWriter"/> target is only flushed).</summary>
    public void Dispose()
    {
        if (_external)
        {
            _writer?.Flush();
        }
        else
        {
            CloseFile();
        }
    }

    /// <summary>The whole table as CSV text, in the format this sink writes.</summary>
    internal static string ToCsv(MetricsSummary table)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", table.ColumnNames.Select(Quote))).Append('\n');
        foreach (var row in table)
        {
            sb.Append(string.Join(",", table.ColumnNames.Select(c => Format(row[c])))).Append('\n');
        }

        return sb.ToString();
    }

    private static string Format(double value) => double.IsNaN(value) ? "" : SinkFiles.Invariant(value);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    private void CloseFile()
    {
        if (!_external && _writer is not null)
        {
            _writer.Dispose();
            _writer = null;
        }
    }

    private static void RewriteAtomically(string path, MetricsSummary table)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, ToCsv(table), new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }

    private static string[]? ReadHeader(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine() is { Length: > 0 } line ? SplitCsvLine(line) : null;
    }

    private static string[] SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        fields.Add(field.ToString());
        return fields.ToArray();
    }
}
