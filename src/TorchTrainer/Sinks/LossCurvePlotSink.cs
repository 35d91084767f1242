using ScottPlot;

namespace TorchTrainer;

/// <summary>
/// At the end of a run, draws train and validation loss per epoch with ScottPlot and saves it as
/// <c>loss_curve.png</c> beside results.json in the run's output directory.
/// </summary>
/// <remarks>
/// NaN values (epochs without validation) are left out, so the validation line joins the epochs that were
/// validated. Nothing is drawn when the run has no output directory or no finite loss; the file is
/// written to a temporary name first and then moved into place, so a reader never sees half a PNG.
/// </remarks>
public sealed class LossCurvePlotSink : IMetricSink
{
    /// <summary>The name of the image in the run's output directory.</summary>
    public const string DefaultFileName = "loss_curve.png";

    private string? _outputDirectory;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 500;

    /// <summary>The image written by the last run, or null when none was.</summary>
    public string? ImagePath { get; private set; }

    /// <inheritdoc />
    public void OnTrainingStart(TrainingStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        _outputDirectory = string.IsNullOrWhiteSpace(info.OutputDirectory) ? null : info.OutputDirectory;
        ImagePath = null;
    }

    /// <inheritdoc />
    public void OnStep(StepProgress step)
    {
        // The curve is per epoch and drawn once, at the end.
    }

    /// <inheritdoc />
    public void OnEpochEnd(EpochMetrics metrics)
    {
        // Drawn once from the final table, at the end.
    }

    /// <inheritdoc />
    public void OnTrainingEnd(TrainingResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (_outputDirectory is null)
        {
            return;
        }

        var path = Path.GetFullPath(Path.Combine(_outputDirectory, DefaultFileName));
        if (Render(results.MetricsSummary, path, Width, Height))
        {
            ImagePath = path;
        }
    }

    /// <summary>Draws the loss curve of <paramref name="table"/> to <paramref name="path"/>; false when there was nothing to draw.</summary>
    internal static bool Render(MetricsSummary table, string path, int width, int height)
    {
        var epochs = table.Select(row => (double)row.Epoch).ToArray();
        var train = Finite(epochs, table.TrainLoss);
        var val = Finite(epochs, table.ValLoss);
        if (train.X.Length == 0 && val.X.Length == 0)
        {
            return false;
        }

        using var plot = new Plot();
        if (train.X.Length > 0)
        {
            var line = plot.Add.Scatter(train.X, train.Y);
            line.LegendText = "train loss";
            line.LineWidth = 2;
            line.MarkerSize = 6;
        }

        if (val.X.Length > 0)
        {
            var line = plot.Add.Scatter(val.X, val.Y);
            line.LegendText = "validation loss";
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LinePattern = LinePattern.Dashed;
        }

        plot.Title("Loss per epoch");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Alignment.UpperRight);

        SinkFiles.EnsureDirectoryOf(path);
        var temp = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp.png");
        try
        {
            plot.SavePng(temp, width, height);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // no-op once moved
        }

        return true;
    }

    private static (double[] X, double[] Y) Finite(double[] epochs, IReadOnlyList<double> values)
    {
        var x = new List<double>(values.Count);
        var y = new List<double>(values.Count);
        for (var i = 0; i < values.Count && i < epochs.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                x.Add(epochs[i]);
                y.Add(values[i]);
            }
        }

        return (x.ToArray(), y.ToArray());
    }
}
