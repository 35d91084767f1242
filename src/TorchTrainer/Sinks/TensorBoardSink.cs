using TorchSharp;
using SummaryWriter = TorchSharp.Modules.SummaryWriter;

namespace TorchTrainer;

/// <summary>
/// Writes the run's scalars as TensorBoard event files with TorchSharp's
/// <c>torch.utils.tensorboard.SummaryWriter</c>; view them with <c>tensorboard --logdir &lt;folder&gt;</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Per step report, against the global step: <c>step/loss</c> (mean loss over the log interval) and <c>step/lr</c>.</item>
/// <item>Per epoch, against the epoch number: every column of the run's <see cref="MetricsSummary"/> under its own
/// name (<c>train/loss</c>, <c>val/loss</c>, <c>val/perplexity</c>, <c>lr</c>, <c>time/epoch_s</c>, user metrics), except <c>epoch</c>.
/// NaN values (an epoch without validation) are skipped rather than plotted.</item>
/// <item>The writer appends each event to the file as it comes (TorchSharp opens, appends and closes the file per
/// scalar), so there is nothing to flush and a crash loses nothing written before it.</item>
/// <item>Values are stored as 32-bit floats and steps as 32-bit integers (TensorBoard's own limits).</item>
/// </list>
/// TorchSharp's writer needs TorchSharp's native library (it computes the record checksums there).
/// </remarks>
public sealed class TensorBoardSink : IMetricSink
{
    /// <summary>The folder name used in the run's output directory when no log directory is given.</summary>
    public const string DefaultFolderName = "tensorboard";

    private readonly string? _logDirectory;
    private SummaryWriter? _writer;

    /// <summary>
    /// Writes to <paramref name="logDirectory"/>, or to <c>tensorboard/</c> in the run's output directory when it is null.
    /// </summary>
    public TensorBoardSink(string? logDirectory = null) => _logDirectory = logDirectory;

    /// <summary>The folder holding the last run's event file, once that run has started.</summary>
    public string? LogDirectory { get; private set; }

    /// <inheritdoc />
    public void OnTrainingStart(TrainingStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var dir = SinkFiles.Resolve(_logDirectory, info, DefaultFolderName, nameof(TensorBoardSink));
        Directory.CreateDirectory(dir);
        _writer = torch.utils.tensorboard.SummaryWriter(dir);
        LogDirectory = _writer.LogDir;
    }

    /// <inheritdoc />
    public void OnStep(StepProgress step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var writer = Writer();
        var x = ClampStep(step.GlobalStep);
        Add(writer, "step/loss", step.Loss, x);
        Add(writer, "step/lr", step.LearningRate, x);
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var writer = Writer();
        foreach (var column in metrics.ColumnNames)
        {
            if (column != StandardColumns.Epoch)
            {
                Add(writer, column, metrics[column], metrics.Epoch);
            }
        }
    }

    /// <inheritdoc />
    public void OnTrainingEnd(TrainingResults results)
    {
        // Every scalar is already on disk; the next run starts a new event file.
        _writer = null;
    }

    private SummaryWriter Writer() =>
        _writer ?? throw new InvalidOperationException($"{nameof(TensorBoardSink)} got an event before {nameof(OnTrainingStart)}.");

    private static void Add(SummaryWriter writer, string tag, double value, int step)
    {
        if (!double.IsNaN(value))
        {
            writer.add_scalar(tag, (float)value, step);
        }
    }

    private static int ClampStep(long step) => (int)Math.Clamp(step, int.MinValue, int.MaxValue);
}
