using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TorchTrainer;

/// <summary>
/// Writes results.json (schema 4). Key order and shape are fixed by docs/contract.md; the layout puts
/// one key per line and one table row per line, with number arrays on a single line, so files
/// stay readable and diff well. Doubles are written in their shortest exact (round-trip) form.
/// NaN is written as <c>null</c>; ±infinity (a diverged loss) as the strings <c>"Infinity"</c> /
/// <c>"-Infinity"</c>, which plain JSON has no number for.
/// </summary>
internal static class ResultsJsonWriter
{
    private const string RowIndent = "      "; // rows sit at depth 3 of the indented document

    // Results hold file paths and metric names, not HTML: keep non-ASCII readable instead of \uXXXX.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static byte[] ToUtf8(TrainingResults results)
    {
        var metrics = results.MetricsSummary;
        var output = new ArrayBufferWriter<byte>(256 + (metrics.Count * metrics.ColumnNames.Count * 12));
        var scratch = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = Encoder }))
        {
            json.WriteStartObject();
            json.WriteNumber(ResultsSchema.SchemaVersion, ResultsSchema.CurrentVersion);

            json.WriteStartObject(ResultKeys.MetricsSummary);
            json.WritePropertyName(ResultsSchema.Columns);
            json.WriteRawValue(StringArray(scratch, metrics.ColumnNames), skipInputValidation: true);

            json.WriteStartArray(ResultsSchema.Rows);
            var newLine = Encoding.UTF8.GetBytes(Environment.NewLine + RowIndent);
            var columns = Enumerable.Range(0, metrics.ColumnNames.Count).Select(metrics.RawColumn).ToArray();
            for (var row = 0; row < metrics.Count; row++)
            {
                var r = row;
                json.WriteRawValue(Compact(scratch, w =>
                {
                    w.WriteStartArray();
                    foreach (var column in columns)
                    {
                        WriteDouble(w, column[r]);
                    }

                    w.WriteEndArray();
                }, prefix: newLine), skipInputValidation: true);
            }

            json.WriteEndArray();
            json.WriteEndObject();

            json.WritePropertyName(ResultKeys.FinalLoss);
            WriteDouble(json, results.FinalLoss);
            json.WritePropertyName(ResultKeys.FinalValLoss);
            WriteDouble(json, results.FinalValLoss);
            json.WritePropertyName(ResultKeys.Perplexity);
            WriteDouble(json, results.Perplexity);
            json.WriteNumber(ResultKeys.BestEpoch, results.BestEpoch);
            json.WriteNumber(ResultKeys.TrainingTimeSeconds, results.TrainingTime.TotalSeconds);
            if (results.BestCheckpointPath is { } checkpoint)
            {
                json.WriteString(ResultKeys.BestCheckpoint, checkpoint);
            }
            else
            {
                json.WriteNull(ResultKeys.BestCheckpoint);
            }

            // The legacy keys, for v3 readers. Read from the table directly: writing a file is not a
            // legacy use, so it must neither warn nor throw in strict mode.
            json.WritePropertyName(ResultKeys.LossHistory);
            json.WriteRawValue(NumberArray(scratch, metrics.TrainLoss), skipInputValidation: true);
            json.WritePropertyName(ResultKeys.ValLossHistory);
            json.WriteRawValue(NumberArray(scratch, metrics.ValLoss), skipInputValidation: true);
            json.WritePropertyName(ResultsSchema.DeprecatedKeys);
            json.WriteRawValue(StringArray(scratch, ResultKeys.Deprecated), skipInputValidation: true);

            json.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>A <c>metrics_summary</c> object on its own (the <see cref="MetricsSummaryJsonConverter"/>), laid out as <paramref name="json"/> is configured.</summary>
    public static void WriteTable(Utf8JsonWriter json, MetricsSummary metrics)
    {
        json.WriteStartObject();
        json.WriteStartArray(ResultsSchema.Columns);
        foreach (var name in metrics.ColumnNames)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
        json.WriteStartArray(ResultsSchema.Rows);
        var columns = Enumerable.Range(0, metrics.ColumnNames.Count).Select(metrics.RawColumn).ToArray();
        for (var row = 0; row < metrics.Count; row++)
        {
            json.WriteStartArray();
            foreach (var column in columns)
            {
                WriteDouble(json, column[row]);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One epoch as an object of column name and value (the <see cref="EpochMetricsJsonConverter"/>).</summary>
    public static void WriteRow(Utf8JsonWriter json, EpochMetrics epoch)
    {
        json.WriteStartObject();
        foreach (var name in epoch.ColumnNames)
        {
            json.WritePropertyName(name);
            WriteDouble(json, epoch[name]);
        }

        json.WriteEndObject();
    }

    /// <summary>A column as an array of numbers (the <see cref="MetricColumnJsonConverter"/>).</summary>
    public static void WriteColumn(Utf8JsonWriter json, IReadOnlyList<double> values)
    {
        json.WriteStartArray();
        for (var i = 0; i < values.Count; i++)
        {
            WriteDouble(json, values[i]);
        }

        json.WriteEndArray();
    }

    private static void WriteDouble(Utf8JsonWriter w, double? value)
    {
        switch (value)
        {
            case null:
            case double.NaN:
                w.WriteNullValue();
                break;
            case double.PositiveInfinity:
                w.WriteStringValue(ResultsSchema.PositiveInfinity);
                break;
            case double.NegativeInfinity:
                w.WriteStringValue(ResultsSchema.NegativeInfinity);
                break;
            default:
                w.WriteNumberValue(value.Value);
                break;
        }
    }

    private static byte[] StringArray(ArrayBufferWriter<byte> scratch, IReadOnlyList<string> values) =>
        Compact(scratch, w =>
        {
            w.WriteStartArray();
            foreach (var value in values)
            {
                w.WriteStringValue(value);
            }

            w.WriteEndArray();
        });

    private static byte[] NumberArray(ArrayBufferWriter<byte> scratch, IReadOnlyList<double> values) =>
        Compact(scratch, w =>
        {
            w.WriteStartArray();
            for (var i = 0; i < values.Count; i++)
            {
                WriteDouble(w, values[i]);
            }

            w.WriteEndArray();
        });

    /// <summary>Writes one value on a single line (after <paramref name="prefix"/>), for embedding as a raw value.</summary>
    private static byte[] Compact(ArrayBufferWriter<byte> scratch, Action<Utf8JsonWriter> write, byte[]? prefix = null)
    {
        scratch.Clear();
        if (prefix is not null)
        {
            scratch.Write(prefix);
        }

        using (var w = new Utf8JsonWriter(scratch, new JsonWriterOptions { Encoder = Encoder }))
        {
            write(w);
        }

        return scratch.WrittenSpan.ToArray();
    }
}
