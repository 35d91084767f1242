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
