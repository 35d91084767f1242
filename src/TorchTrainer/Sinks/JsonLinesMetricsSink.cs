using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TorchTrainer;

/// <summary>
/// Writes the run as JSON Lines: one JSON object per line, each with a <c>"type"</c> field, flushed line by line
/// so <c>tail -f</c>, <c>jq</c> or <c>pandas.read_json(..., lines=True)</c> can follow a run while it trains.
/// </summary>
/// <remarks>
/// The objects, in the order they happen:
/// <code>
/// {"type":"start","epochs":10,"steps_per_epoch":100,"start_epoch":1,"output_directory":"runs/a"}
/// {"type":"step","epoch":1,"step":10,"steps_per_epoch":100,"global_step":10,"loss":2.31,"lr":0.001}
/// {"type":"epoch","epoch":1,"train/loss":2.2,"val/loss":null,"lr":0.001,"time/epoch_s":4.2}
/// {"type":"end","epochs_completed":10,"final_loss":1.1,"final_val_loss":1.3,"perplexity":3.67,"best_epoch":9,"training_time_s":42.0,"best_checkpoint":null}
/// </code>
/// An epoch object carries every column of the run's <see cref="MetricsSummary"/> under its column name, so its keys
/// match results.json and the CSV header; a user metric named <c>type</c> is written as <c>metric/type</c>.
/// NaN and infinities are written as <c>null</c> (JSON has no such numbers). Numbers are shortest round-trip.
/// </remarks>
public sealed class JsonLinesMetricsSink : IMetricSink, IDisposable
{
    /// <summary>The file name used in the run's output directory when no path is given.</summary>
    public const string DefaultFileName = "metrics.jsonl";

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false };

    private readonly string? _path;
    private readonly TextWriter? _externalWriter;
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private Stream? _file;

    /// <summary>Writes to <paramref name="path"/>, or to <c>metrics.jsonl</c> in the run's output directory when it is null.</summary>
    public JsonLinesMetricsSink(string? path = null) => _path = path;

    /// <summary>Writes to <paramref name="writer"/>, which the sink flushes but never closes.</summary>
    public JsonLinesMetricsSink(TextWriter writer) => _externalWriter = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <summary>The file being written, once the run has started (null for a <see cref="TextWriter"/> target).</summary>
    public string? FilePath { get; private set; }

    /// <inheritdoc />
    public void OnTrainingStart(TrainingStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (_externalWriter is null)
        {
            CloseFile();
            var path = SinkFiles.Resolve(_path, info, DefaultFileName, nameof(JsonLinesMetricsSink));
            SinkFiles.EnsureDirectoryOf(path);
            // A resumed run continues its log; a new run starts a new one.
            _file = new FileStream(path, info.StartEpoch > 1 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
            FilePath = path;
        }

        WriteLine(w =>
        {
            w.WriteString("type", "start");
            w.WriteNumber("epochs", info.Epochs);
            WriteNullable(w, "steps_per_epoch", info.StepsPerEpoch);
            w.WriteNumber("start_epoch", info.StartEpoch);
            w.WriteString("output_directory", info.OutputDirectory);
        });
    }

    /// <inheritdoc />
    public void OnStep(StepProgress step)
    {
        ArgumentNullException.ThrowIfNull(step);
        WriteLine(w =>
        {
            w.WriteString("type", "step");
            w.WriteNumber("epoch", step.Epoch);
            w.WriteNumber("step", step.Step);
            WriteNullable(w, "steps_per_epoch", step.StepsPerEpoch);
            w.WriteNumber("global_step", step.GlobalStep);
            WriteDouble(w, "loss", step.Loss);
            WriteDouble(w, "lr", step.LearningRate);
        });
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        WriteLine(w =>
        {
            w.WriteString("type", "epoch");
            w.WriteNumber("epoch", metrics.Epoch);
            foreach (var column in metrics.ColumnNames)
            {
                if (column == StandardColumns.Epoch)
                {
                    continue;
                }

                WriteDouble(w, column == "type" ? "metric/type" : column, metrics[column]);
            }
        });
    }

    /// <inheritdoc />
    public void OnTrainingEnd(TrainingResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        WriteLine(w =>
        {
            w.WriteString("type", "end");
            w.WriteNumber("epochs_completed", results.MetricsSummary.Count);
            WriteDouble(w, ResultKeys.FinalLoss, results.FinalLoss);
            WriteDouble(w, ResultKeys.FinalValLoss, results.FinalValLoss ?? double.NaN);
            WriteDouble(w, ResultKeys.Perplexity, results.Perplexity ?? double.NaN);
            w.WriteNumber(ResultKeys.BestEpoch, results.BestEpoch);
            WriteDouble(w, ResultKeys.TrainingTimeSeconds, results.TrainingTime.TotalSeconds);
            w.WriteString(ResultKeys.BestCheckpoint, results.BestCheckpointPath);
        });
        CloseFile();
    }

    /// <summary>Closes the file (a <see cref="TextWriter"/> target is only flushed).</summary>
    public void Dispose()
    {
        _externalWriter?.Flush();
        CloseFile();
    }

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        if (_file is null && _externalWriter is null)
        {
            throw new InvalidOperationException($"{nameof(JsonLinesMetricsSink)} got an event before {nameof(OnTrainingStart)} (or after {nameof(OnTrainingEnd)}).");
        }

        _buffer.Clear();
        using (var w = new Utf8JsonWriter(_buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        if (_file is not null)
        {
            _file.Write(_buffer.WrittenSpan);
            _file.WriteByte((byte)'\n');
            _file.Flush();
        }
        else
        {
            _externalWriter!.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _externalWriter.Write('\n');
            _externalWriter.Flush();
        }
    }

    private static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
    }
}
