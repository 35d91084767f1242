using Tensorboard;

namespace TorchTrainer.Tests.Sinks;

public class TensorBoardSinkTests
{
    [Fact]
    public void Writes_step_and_epoch_scalars_to_an_event_file_that_grows_as_the_run_goes()
    {
        using var dir = new TempDir();
        var sink = new TensorBoardSink();
        var table = SinkTestKit.Table();

        sink.OnTrainingStart(SinkTestKit.Start(dir.Path));
        var file = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "tensorboard"), "events.out.tfevents.*"));
        var sizes = new List<long> { new FileInfo(file).Length };
        sink.OnStep(SinkTestKit.Step(1, 1));
        sizes.Add(new FileInfo(file).Length);
        sink.OnEpochEnd(table[0]);
        sizes.Add(new FileInfo(file).Length);
        sink.OnStep(SinkTestKit.Step(2, 1));
        sink.OnEpochEnd(table[1]);
        sink.OnTrainingEnd(SinkTestKit.Results());
        sizes.Add(new FileInfo(file).Length);

        Assert.True(sizes.Zip(sizes.Skip(1)).All(p => p.Second > p.First), $"file sizes {string.Join(", ", sizes)}");

        var scalars = ReadScalars(file);
        Assert.Equal(
            [
                ("step/loss", 1, 2.4375f), ("step/lr", 1, 0.01f),
                ("train/loss", 1, 2.5f), ("val/loss", 1, 2.75f), ("lr", 1, 0.01f), ("time/epoch_s", 1, 1.5f),
                ("step/loss", 5, 1.9375f), ("step/lr", 5, 0.005f),
                ("train/loss", 2, 2f), ("lr", 2, 0.005f), ("time/epoch_s", 2, 1.25f), // NaN val/loss skipped
            ],
            scalars);
    }

    [Fact]
    public void An_explicit_log_directory_is_used_without_an_output_directory()
    {
        using var dir = new TempDir();
        var logDir = Path.Combine(dir.Path, "tb", "run1");
        var sink = new TensorBoardSink(logDir);

        SinkTestKit.Play(sink, outputDirectory: null);

        Assert.Equal(logDir, sink.LogDirectory);
        var file = Assert.Single(Directory.GetFiles(logDir, "events.out.tfevents.*"));
        Assert.Equal(3 * 4 * 2 + 3 * 4 - 1, ReadScalars(file).Count); // 2 per step, one per epoch column, less the NaN
    }

    /// <summary>Reads a TFRecord file: per record, length (8 bytes), its CRC (4), the Event bytes, their CRC (4).</summary>
    private static List<(string Tag, long Step, float Value)> ReadScalars(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var result = new List<(string, long, float)>();
        var offset = 0;
        var first = true;
        while (offset < bytes.Length)
        {
            var length = (int)BitConverter.ToInt64(bytes, offset);
            offset += 12;
            var e = Event.Parser.ParseFrom(bytes, offset, length);
            offset += length + 4;
            if (first)
            {
                Assert.Equal("brain.Event:2", e.FileVersion);
                first = false;
                continue;
            }

            foreach (var v in e.Summary.Value)
            {
                result.Add((v.Tag, e.Step, v.SimpleValue));
            }
        }

        Assert.Equal(bytes.Length, offset);
        return result;
    }
}
