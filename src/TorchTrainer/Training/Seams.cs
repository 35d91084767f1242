using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TorchTrainer.Checkpoints;

namespace TorchTrainer;

// The trainer's joins with work that lands from other branches. Each is a single call site,
// marked MERGE, so the lead can wire the real implementation in one place.

/// <summary>Makes sure TorchSharp's native library loads before the trainer's first TorchSharp call.</summary>
internal static class TorchRuntime
{
    public static void EnsureNativeLoaded()
    {
        // MERGE(native): call TorchNativeLibrary.EnsureLoaded() here once src/TorchTrainer/Native lands.
        // Until then the build output must be patched by hand (see the design note on TorchSharp on Debian 12).
    }
}

/// <summary>Delivers the run's progress to the <see cref="IMetricSink"/>s.</summary>
internal interface ISinkDispatcher : IDisposable
{
    void TrainingStart(TrainingStartInfo info);

    void Step(StepProgress step);

    void EpochEnd(EpochMetrics metrics);

    void TrainingEnd(TrainingResults results);
}

internal static class SinkDispatch
{
    /// <summary>
    /// MERGE(sinks): return the MetricSinkHost (off-thread, time-bounded) here. The direct dispatcher
    /// below is the stand-in: it calls the sinks on the training thread and isolates their failures.
    /// </summary>
    public static ISinkDispatcher Create(IList<IMetricSink> sinks, ILogger? logger) => new DirectSinkDispatcher(sinks, logger);
}

/// <summary>Calls each sink in turn on the calling thread; a sink that throws is logged and, after 3 failures, disabled.</summary>
internal sealed class DirectSinkDispatcher(IList<IMetricSink> sinks, ILogger? logger) : ISinkDispatcher
{
    private const int MaxFailures = 3;
    private readonly IMetricSink[] _sinks = [.. sinks];
    private readonly int[] _failures = new int[sinks.Count];

    public void TrainingStart(TrainingStartInfo info) => Each(s => s.OnTrainingStart(info));

    public void Step(StepProgress step) => Each(s => s.OnStep(step));

    public void EpochEnd(EpochMetrics metrics) => Each(s => s.OnEpochEnd(metrics));

    public void TrainingEnd(TrainingResults results) => Each(s => s.OnTrainingEnd(results));

    public void Dispose()
    {
    }

    private void Each(Action<IMetricSink> call)
    {
        for (var i = 0; i < _sinks.Length; i++)
        {
            if (_failures[i] >= MaxFailures)
            {
                continue;
            }

            try
            {
                call(_sinks[i]);
            }
            catch (Exception e)
            {
                if (++_failures[i] == 1 || _failures[i] == MaxFailures)
                {
                    logger?.LogWarning(e, "Metric sink {Sink} failed ({Count} of {Max} before it is disabled): {Error}", _sinks[i].GetType().Name, _failures[i], MaxFailures, e.Message);
                }
            }
        }
    }
}

/// <summary>Builds and saves <see cref="TrainingResults"/>.</summary>
internal static class ResultsPersistence
{
    public const string FileName = "results.json";

    private static readonly PropertyInfo? LoggerProperty =
        typeof(TrainingResults).GetProperty("Logger", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Results whose legacy-API warnings go to <paramref name="logger"/>.</summary>
    public static TrainingResults Create(MetricsSummary metrics, TimeSpan trainingTime, string? bestCheckpoint, ILogger? logger)
    {
        var results = TrainingResults.FromMetrics(metrics, trainingTime, bestCheckpoint);

        // MERGE(results): TrainingResults.Logger is init-only and FromMetrics takes no logger; replace this
        // reflection with an internal factory overload (FromMetrics(..., logger)) from the results engineer.
        if (logger is not null)
        {
            LoggerProperty?.SetValue(results, logger);
        }

        return results;
    }

    /// <summary>Writes results.json into <paramref name="outputDirectory"/>; returns its path.</summary>
    public static string Save(TrainingResults results, string outputDirectory)
    {
        var path = Path.Combine(outputDirectory, FileName);

        // MERGE(results): replace the interim writer below with `results.Save(path);` once
        // TrainingResults.Save (src/TorchTrainer/Serialization) lands. This is the only call site.
        CheckpointStore.WriteAtomically(path, stream => WriteInterimSchema4(results, stream));
        return path;
    }

    /// <summary>Interim: the schema-4 keys of the contract, written until TrainingResults.Save exists.</summary>
    private static void WriteInterimSchema4(TrainingResults results, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        static void Number(Utf8JsonWriter w, double v)
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        var metrics = results.MetricsSummary;
        json.WriteStartObject();
        json.WriteNumber("schema_version", 4);
        json.WriteStartObject(ResultKeys.MetricsSummary);
        json.WriteStartArray("columns");
        foreach (var c in metrics.ColumnNames)
        {
            json.WriteStringValue(c);
        }

        json.WriteEndArray();
        json.WriteStartArray("rows");
        foreach (var row in metrics)
        {
            json.WriteStartArray();
            foreach (var c in metrics.ColumnNames)
            {
                Number(json, row[c]);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WritePropertyName(ResultKeys.FinalLoss);
        Number(json, results.FinalLoss);
        json.WritePropertyName(ResultKeys.FinalValLoss);
        Number(json, results.FinalValLoss ?? double.NaN);
        json.WritePropertyName(ResultKeys.Perplexity);
        Number(json, results.Perplexity ?? double.NaN);
        json.WriteNumber(ResultKeys.BestEpoch, results.BestEpoch);
        json.WriteNumber(ResultKeys.TrainingTimeSeconds, results.TrainingTime.TotalSeconds);
        json.WriteString(ResultKeys.BestCheckpoint, results.BestCheckpointPath);
        json.WriteStartArray(ResultKeys.LossHistory);
        foreach (var v in metrics.TrainLoss)
        {
            Number(json, v);
        }

        json.WriteEndArray();
        json.WriteStartArray(ResultKeys.ValLossHistory);
        foreach (var v in metrics.ValLoss)
        {
            Number(json, v);
        }

        json.WriteEndArray();
        json.WriteStartArray("deprecated_keys");
        foreach (var k in ResultKeys.Deprecated)
        {
            json.WriteStringValue(k);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
