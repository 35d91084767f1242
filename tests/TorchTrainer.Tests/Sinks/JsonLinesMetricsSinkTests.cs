using System.Text.Json;

namespace TorchTrainer.Tests.Sinks;

public class JsonLinesMetricsSinkTests
{
    [Fact]
    public void Writes_a_typed_object_per_line_for_start_each_step_each_epoch_and_end()
    {
        using var dir = new TempDir();
        using var sink = new JsonLinesMetricsSink();

        SinkTestKit.Play(sink, dir.Path);

        var lines = File.ReadAllLines(Path.Combine(dir.Path, "metrics.jsonl"));
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()!).ToArray();
        string[] perEpoch = ["step", "step", "step", "step", "epoch"];
        Assert.Equal(["start", .. perEpoch, .. perEpoch, .. perEpoch, "end"], types);
    }

    [Fact]
    public void Step_epoch_and_end_objects_carry_their_values_with_NaN_as_null()
    {
        var writer = new StringWriter();
        SinkTestKit.Play(new JsonLinesMetricsSink(writer));
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("""{"type":"start","epochs":3,"steps_per_epoch":4,"start_epoch":1,"output_directory":null}""", lines[0]);
        Assert.Equal("""{"type":"step","epoch":1,"step":2,"steps_per_epoch":4,"global_step":2,"loss":2.375,"lr":0.01}""", lines[2]);
        Assert.Equal("""{"type":"epoch","epoch":1,"train/loss":2.5,"val/loss":2.75,"lr":0.01,"time/epoch_s":1.5}""", lines[5]);
        Assert.Equal("""{"type":"epoch","epoch":2,"train/loss":2,"val/loss":null,"lr":0.005,"time/epoch_s":1.25}""", lines[10]);
        Assert.Equal(
            """{"type":"end","epochs_completed":3,"final_loss":1.5,"final_val_loss":1.875,"perplexity":""" +
            JsonSerializer.Serialize(Math.Exp(1.875)) +
            ""","best_epoch":3,"training_time_s":3.75,"best_checkpoint":null}""",
            lines[^1]);
    }

    [Fact]
    public void Every_line_is_flushed_as_it_is_written()
    {
        using var dir = new TempDir();
        using var sink = new JsonLinesMetricsSink(Path.Combine(dir.Path, "log.jsonl"));
        sink.OnTrainingStart(SinkTestKit.Start());
        sink.OnStep(SinkTestKit.Step(1, 1));

        using var stream = new FileStream(sink.FilePath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(stream).ReadToEnd();
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("\n", text);
    }

    [Fact]
    public void Infinite_values_and_a_user_metric_named_type_stay_valid_json()
    {
        var table = MetricsSummary.FromRows([new Dictionary<string, double> { ["train/loss"] = double.PositiveInfinity, ["type"] = 7 }]);
        var writer = new StringWriter();
        var sink = new JsonLinesMetricsSink(writer);
        sink.OnTrainingStart(SinkTestKit.Start());
        sink.OnEpochEnd(table[0]);

        var epoch = JsonDocument.Parse(writer.ToString().Split('\n')[1]).RootElement;
        Assert.Equal("epoch", epoch.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, epoch.GetProperty("train/loss").ValueKind);
        Assert.Equal(7, epoch.GetProperty("metric/type").GetDouble());
    }
}
