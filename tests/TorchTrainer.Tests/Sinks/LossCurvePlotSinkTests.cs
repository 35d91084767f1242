using System.Buffers.Binary;

namespace TorchTrainer.Tests.Sinks;

public class LossCurvePlotSinkTests
{
    [Fact]
    public void Saves_loss_curve_png_in_the_output_directory_at_the_end()
    {
        using var dir = new TempDir();
        var sink = new LossCurvePlotSink();
        var path = Path.Combine(dir.Path, "loss_curve.png");

        sink.OnTrainingStart(SinkTestKit.Start(dir.Path));
        sink.OnEpochEnd(SinkTestKit.Table()[0]);
        Assert.False(File.Exists(path)); // drawn once, at the end
        sink.OnTrainingEnd(SinkTestKit.Results());

        Assert.Equal(path, sink.ImagePath);
        var png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal(800, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(500, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(["loss_curve.png"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Does_nothing_when_the_run_has_no_output_directory()
    {
        var sink = new LossCurvePlotSink();
        SinkTestKit.Play(sink, outputDirectory: null);
        Assert.Null(sink.ImagePath);
    }

    [Fact]
    public void Draws_nothing_when_no_loss_is_finite()
    {
        using var dir = new TempDir();
        var table = MetricsSummary.FromRows([new Dictionary<string, double> { ["train/loss"] = double.NaN }]);
        var sink = new LossCurvePlotSink { Width = 400, Height = 300 };

        SinkTestKit.Play(sink, dir.Path, table);

        Assert.Null(sink.ImagePath);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_run_without_validation_draws_the_train_curve_alone()
    {
        using var dir = new TempDir();
        var table = MetricsSummary.FromRows(SinkTestKit.Rows.Select(r => (IReadOnlyDictionary<string, double>)r.Where(kv => kv.Key != "val/loss").ToDictionary()));
        var sink = new LossCurvePlotSink { Width = 400, Height = 300 };

        SinkTestKit.Play(sink, dir.Path, table);

        Assert.True(new FileInfo(Path.Combine(dir.Path, "loss_curve.png")).Length > 1000);
    }
}
