using System.Globalization;
using System.Text;
using Spectre.Console;

namespace TorchTrainer;

/// <summary>
/// Shows a run's progress on the console: epoch and step, loss, learning rate and time left.
/// </summary>
/// <remarks>
/// On an interactive terminal that understands ANSI it draws a Spectre.Console live progress bar
/// (epoch, loss and lr in the description; percentage, elapsed and remaining time beside it) and prints a
/// line per finished epoch above it. When output is redirected (a log file, CI, a notebook) or the terminal is
/// not interactive, it writes plain text instead, one line per report:
/// <code>
/// training: epochs 1-3, 100 steps per epoch
/// epoch 1/3 step 50/100 loss 0.69315 lr 0.001 eta 0:00:12
/// epoch 1/3 done: train/loss 0.68 val/loss 0.71 val/perplexity 2.034 lr 0.001 (4.13 s)
/// finished: 3 epochs in 0:00:13, final loss 0.52, final val loss 0.6, best epoch 3
/// </code>
/// Numbers are printed with the invariant culture; values that were not measured (NaN) are left out.
/// </remarks>
public sealed class ConsoleProgressSink : IMetricSink, IDisposable
{
    private IAnsiConsole? _console;    // live mode; null in plain mode
    private TextWriter? _plain;        // plain mode
    private readonly TimeProvider _time;

    private TrainingStartInfo? _info;
    private long _startedAt;
    private int _epochsDone;
    private int? _stepsPerEpoch;

    private Thread? _renderThread;
    private ProgressTask? _task;
    private ManualResetEventSlim? _stopRendering;

    /// <summary>Writes to the process console: live when it is an interactive ANSI terminal and output is not redirected, plain otherwise.</summary>
    public ConsoleProgressSink()
        : this(AnsiConsole.Console, forcePlain: Console.IsOutputRedirected, TimeProvider.System)
    {
    }

    /// <summary>Writes to <paramref name="console"/>: live when its profile says it is interactive and supports ANSI, plain otherwise.</summary>
    public ConsoleProgressSink(IAnsiConsole console)
        : this(console, forcePlain: false, TimeProvider.System)
    {
    }

    /// <summary>Writes plain lines to <paramref name="writer"/>, which the sink flushes but never closes.</summary>
    public ConsoleProgressSink(TextWriter writer)
        : this(writer, TimeProvider.System)
    {
    }

    internal ConsoleProgressSink(IAnsiConsole console, bool forcePlain, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(console);
        _time = time;
        var caps = console.Profile.Capabilities;
        if (!forcePlain && caps.Interactive && caps.Ansi)
        {
            _console = console;
        }
        else
        {
            _plain = console.Profile.Out.Writer;
        }
    }

    internal ConsoleProgressSink(TextWriter writer, TimeProvider time)
    {
        _plain = writer ?? throw new ArgumentNullException(nameof(writer));
        _time = time;
    }

    /// <summary>True when the sink draws a live progress bar, false when it writes plain lines.</summary>
    public bool IsLive => _console is not null;

    /// <inheritdoc />
    public void OnTrainingStart(TrainingStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        StopRendering();
        _info = info;
        _startedAt = _time.GetTimestamp();
        _epochsDone = 0;
        _stepsPerEpoch = info.StepsPerEpoch;

        var range = info.StartEpoch > 1 ? $"epochs {info.StartEpoch}-{info.Epochs}" : $"{info.Epochs} epoch{(info.Epochs == 1 ? "" : "s")}";
        var steps = info.StepsPerEpoch is { } s ? $", {s} steps per epoch" : "";
        WriteLine($"training: {range}{steps}");
        if (_console is not null)
        {
            StartRendering(_console, info);
        }
    }

    /// <inheritdoc />
    public void OnStep(StepProgress step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var info = _info ?? throw NotStarted();
        _stepsPerEpoch = step.StepsPerEpoch ?? _stepsPerEpoch;

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"epoch {step.Epoch}/{info.Epochs} step {step.Step}");
        if (_stepsPerEpoch is { } spe)
        {
            sb.Append(CultureInfo.InvariantCulture, $"/{spe}");
        }

        sb.Append(" loss ").Append(SinkFiles.Short(step.Loss)).Append(" lr ").Append(SinkFiles.Short(step.LearningRate));
        if (_task is { } task)
        {
            task.Description = Markup.Escape(sb.ToString());
            if (_stepsPerEpoch is { } perEpoch)
            {
                task.MaxValue = Math.Max(1, (info.Epochs - info.StartEpoch + 1) * (double)perEpoch);
                task.Value = Math.Min(task.MaxValue, StepsDone(step, perEpoch));
            }

            return;
        }

        if (Eta(step) is { } eta)
        {
            sb.Append(" eta ").Append(FormatDuration(eta));
        }

        WriteLine(sb.ToString());
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var info = _info ?? throw NotStarted();
        _epochsDone++;

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"epoch {metrics.Epoch}/{info.Epochs} done:");
        foreach (var column in metrics.ColumnNames)
        {
            var value = metrics[column];
            if (column is StandardColumns.Epoch or StandardColumns.EpochSeconds || double.IsNaN(value))
            {
                continue;
            }

            sb.Append(' ').Append(column).Append(' ').Append(SinkFiles.Short(value));
        }

        if (metrics.TryGetValue(StandardColumns.EpochSeconds, out var seconds) && !double.IsNaN(seconds))
        {
            sb.Append(" (").Append(SinkFiles.Short(seconds)).Append(" s)");
        }

        if (_task is { } task && _stepsPerEpoch is null)
        {
            task.MaxValue = Math.Max(1, info.Epochs - info.StartEpoch + 1);
            task.Value = Math.Min(task.MaxValue, _epochsDone);
        }

        WriteLine(sb.ToString());
    }

    /// <inheritdoc />
    public void OnTrainingEnd(TrainingResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        StopRendering();

        var table = results.MetricsSummary;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"finished: {table.Count} epoch{(table.Count == 1 ? "" : "s")} in {FormatDuration(Elapsed(results))}");
        if (!double.IsNaN(results.FinalLoss))
        {
            sb.Append(", final loss ").Append(SinkFiles.Short(results.FinalLoss));
        }

        if (results.FinalValLoss is { } val)
        {
            sb.Append(", final val loss ").Append(SinkFiles.Short(val));
        }

        if (results.BestEpoch > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $", best epoch {results.BestEpoch}");
        }

        WriteLine(sb.ToString());
        _info = null;
    }

    /// <summary>Stops the live display if a run left it running, and flushes plain output.</summary>
    public void Dispose()
    {
        StopRendering();
        _plain?.Flush();
    }

    /// <summary>Text for a duration: <c>0:01:05</c>, or <c>1.02:03:04</c> past a day.</summary>
    internal static string FormatDuration(TimeSpan t) =>
        t.ToString(t.TotalDays >= 1 ? @"d\.hh\:mm\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);

    private TimeSpan Elapsed(TrainingResults results) =>
        results.TrainingTime > TimeSpan.Zero ? results.TrainingTime
        : _info is not null ? _time.GetElapsedTime(_startedAt)
        : TimeSpan.Zero;

    private double StepsDone(StepProgress step, int stepsPerEpoch) =>
        Math.Max(0, (step.Epoch - _info!.StartEpoch) * (double)stepsPerEpoch + step.Step);

    private TimeSpan? Eta(StepProgress step)
    {
        var info = _info!;
        var elapsed = _time.GetElapsedTime(_startedAt);
        double done, total;
        if (_stepsPerEpoch is { } spe && spe > 0)
        {
            done = (step.Epoch - info.StartEpoch) * (double)spe + step.Step;
            total = (info.Epochs - info.StartEpoch + 1) * (double)spe;
        }
        else if (_epochsDone > 0)
        {
            done = _epochsDone;
            total = info.Epochs - info.StartEpoch + 1;
        }
        else
        {
            return null;
        }

        if (done <= 0 || elapsed <= TimeSpan.Zero)
        {
            return null;
        }

        var left = elapsed.TotalSeconds * Math.Max(0, total - done) / done;
        return TimeSpan.FromSeconds(Math.Round(left));
    }

    private void WriteLine(string line)
    {
        if (_console is not null)
        {
            _console.WriteLine(line);
        }
        else
        {
            _plain!.WriteLine(line);
            _plain.Flush();
        }
    }

    private void StartRendering(IAnsiConsole console, TrainingStartInfo info)
    {
        var ready = new ManualResetEventSlim(false);
        var stop = new ManualResetEventSlim(false);
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(
                        new SpinnerColumn(),
                        new TaskDescriptionColumn { Alignment = Justify.Left },
                        new ProgressBarColumn(),
                        new PercentageColumn(),
                        new ElapsedTimeColumn(),
                        new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var total = info.StepsPerEpoch is { } spe
                            ? (info.Epochs - info.StartEpoch + 1) * (double)spe
                            : info.Epochs - info.StartEpoch + 1;
                        _task = ctx.AddTask(Markup.Escape($"epoch {info.StartEpoch}/{info.Epochs}"), maxValue: Math.Max(1, total));
                        ready.Set();
                        stop.Wait();
                        ctx.Refresh();
                    });
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                ready.Set();
            }
        })
        {
            IsBackground = true,
            Name = "TorchTrainer console progress",
        };

        _stopRendering = stop;
        _renderThread = thread;
        thread.Start();
        ready.Wait();
        if (failure is not null)
        {
            // Another live display owns the console, or it cannot render: plain lines on the same console instead.
            _renderThread = null;
            _task = null;
            _console = null;
            _plain = console.Profile.Out.Writer;
            WriteLine($"(no live progress display: {failure.Message}; writing plain lines)");
        }
    }

    private void StopRendering()
    {
        if (_renderThread is not { } thread)
        {
            return;
        }

        _task?.StopTask();
        _stopRendering!.Set();
        thread.Join(TimeSpan.FromSeconds(5));
        _renderThread = null;
        _task = null;
    }

    private static InvalidOperationException NotStarted() =>
        new($"{nameof(ConsoleProgressSink)} got an event before {nameof(OnTrainingStart)}.");
}
