using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.Serialization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace TorchTrainer;

/// <summary>
/// The outcome of a training run: the per-epoch <see cref="MetricsSummary"/> and the figures
/// derived from it. Holds plain numbers only, never tensors, so it outlives the model.
/// </summary>
[JsonConverter(typeof(TrainingResultsJsonConverter))]
public sealed partial class TrainingResults
{
    /// <summary>
    /// For the trainer (and the JSON reader) in this assembly: the trainer adds its logger with
    /// <c>new TrainingResults(...) { Logger = logger }</c> so legacy-use warnings reach it.
    /// </summary>
    internal TrainingResults(MetricsSummary metrics, TimeSpan trainingTime, string? bestCheckpointPath)
    {
        MetricsSummary = metrics;
        TrainingTime = trainingTime;
        BestCheckpointPath = bestCheckpointPath;
    }

    /// <summary>Builds results from a metrics table, for tools, tests and custom training loops.</summary>
    public static TrainingResults FromMetrics(MetricsSummary metrics, TimeSpan trainingTime = default, string? bestCheckpointPath = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingTime, TimeSpan.Zero);
        return new TrainingResults(metrics, trainingTime, bestCheckpointPath);
    }

    /// <summary>Where legacy-use warnings go; null writes them to standard error.</summary>
    internal ILogger? Logger { get; init; }

    // ---- modern API (v4.0+) ----

    /// <summary>One row per epoch with the standard columns and any metrics the caller logged.</summary>
    public MetricsSummary MetricsSummary { get; }

    /// <summary>train/loss of the last epoch; NaN when no epoch completed.</summary>
    public double FinalLoss => MetricsSummary.TrainLoss is { Count: > 0 } loss ? loss[^1] : double.NaN;

    /// <summary>val/loss of the last validated epoch; null without validation data.</summary>
    public double? FinalValLoss
    {
        get
        {
            var val = MetricsSummary.ValLoss;
            for (var i = val.Count - 1; i >= 0; i--)
            {
                if (!double.IsNaN(val[i]))
                {
                    return val[i];
                }
            }

            return null;
        }
    }

    /// <summary>exp(<see cref="FinalValLoss"/>): for a language model, the perplexity; null without validation data.</summary>
    public double? Perplexity => FinalValLoss is { } v ? Math.Exp(v) : null;

    /// <summary>
    /// 1-based epoch with the lowest val/loss (NaN skipped), or the lowest train/loss when the run
    /// had no validation; 0 when there is none.
    /// </summary>
    public int BestEpoch
    {
        get
        {
            var column = FinalValLoss is null ? MetricsSummary.TrainLoss : MetricsSummary.ValLoss;
            var best = -1;
            for (var i = 0; i < column.Count; i++)
            {
                if (!double.IsNaN(column[i]) && (best < 0 || column[i] < column[best]))
                {
                    best = i;
                }
            }

            return best < 0 ? 0 : MetricsSummary[best].Epoch;
        }
    }

    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan TrainingTime { get; }

    /// <summary>Path of the best checkpoint, when the run wrote checkpoints.</summary>
    public string? BestCheckpointPath { get; }

    /// <summary>The final-metrics block (Train Loss, Val Loss, Perplexity, Best Epoch), as a v4 report prints it.</summary>
    public override string ToString() => FinalMetricsText.Format(this);

    // ---- legacy API (v3.x): the runtime shim, until v5.0 ----
    // Displaying or dumping results is not a legacy use. Debuggers and the .NET Interactive notebook formatter skip
    // [DebuggerBrowsable(Never)] members, Newtonsoft.Json and DataContract serializers skip [IgnoreDataMember] ones
    // (System.Text.Json uses the results' [JsonConverter]), so such a tool neither uses up the once-per-process
    // warning that a later real use should print nor, in strict mode, renders each LegacyApiException as an object tree.

    /// <summary>Deprecated: use <c>MetricsSummary.TrainLoss</c>, or <c>FinalLoss</c> for the last value.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    [IgnoreDataMember]
    public IReadOnlyList<double> LossHistory
    {
        get
        {
            LegacyApiShim.OnUse(LegacyMember.LossHistory, viaKey: false, Logger);
            return MetricsSummary.TrainLoss;
        }
    }

    /// <summary>Deprecated: use <c>MetricsSummary.ValLoss</c>, or <c>FinalValLoss</c> for the last validated value.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    [IgnoreDataMember]
    public IReadOnlyList<double> ValLossHistory
    {
        get
        {
            LegacyApiShim.OnUse(LegacyMember.ValLossHistory, viaKey: false, Logger);
            return MetricsSummary.ValLoss;
        }
    }
}
