using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TorchTrainer.Tests.Sinks;

/// <summary>A small scripted run (three epochs, the second without validation) and helpers to play it into a sink.</summary>
internal static class SinkTestKit
{
    public const int Epochs = 3;
    public const int StepsPerEpoch = 4;

    public static readonly IReadOnlyDictionary<string, double>[] Rows =
    [
        new Dictionary<string, double> { ["epoch"] = 1, ["train/loss"] = 2.5, ["val/loss"] = 2.75, ["lr"] = 0.01, ["time/epoch_s"] = 1.5 },
        new Dictionary<string, double> { ["epoch"] = 2, ["train/loss"] = 2.0, ["val/loss"] = double.NaN, ["lr"] = 0.005, ["time/epoch_s"] = 1.25 },
        new Dictionary<string, double> { ["epoch"] = 3, ["train/loss"] = 1.5, ["val/loss"] = 1.875, ["lr"] = 0.0025, ["time/epoch_s"] = 1.0 },
    ];

    public static MetricsSummary Table() => MetricsSummary.FromRows(Rows);

    public static TrainingResults Results(MetricsSummary? table = null) =>
        TrainingResults.FromMetrics(table ?? Table(), TimeSpan.FromSeconds(3.75));

    public static TrainingStartInfo Start(string? outputDirectory = null) => new(Epochs, StepsPerEpoch, 1, outputDirectory);

    public static StepProgress Step(int epoch, int step) =>
        new(epoch, step, StepsPerEpoch, (epoch - 1) * StepsPerEpoch + step, Loss(epoch, step), 0.01 / Math.Pow(2, epoch - 1));

    public static double Loss(int epoch, int step) => 3.0 - 0.5 * epoch - 0.0625 * step;

    /// <summary>Plays the whole run into <paramref name="sink"/>: start, a step report per step, each epoch, the end.</summary>
    public static void Play(IMetricSink sink, string? outputDirectory = null, MetricsSummary? table = null)
    {
        table ??= Table();
        sink.OnTrainingStart(Start(outputDirectory));
        for (var e = 1; e <= table.Count; e++)
        {
            for (var s = 1; s <= StepsPerEpoch; s++)
            {
                sink.OnStep(Step(e, s));
            }

            sink.OnEpochEnd(table[e - 1]);
        }

        sink.OnTrainingEnd(Results(table));
    }

    public static TimeSpan NoHang { get; } = TimeSpan.FromSeconds(30);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = TimeSpan.FromHours(1).Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>A temporary folder, deleted when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "torchtrainer-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A logger that keeps what it is told.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception), exception));
}

/// <summary>A TextWriter that many threads may write to.</summary>
internal sealed class SyncStringWriter : StringWriter
{
    private readonly object _gate = new();

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return base.ToString();
        }
    }
}
