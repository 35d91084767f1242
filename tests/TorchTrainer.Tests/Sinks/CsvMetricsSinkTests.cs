using System.Globalization;

namespace TorchTrainer.Tests.Sinks;

public class CsvMetricsSinkTests
{
    private const string Expected =
        "epoch,train/loss,val/loss,lr,time/epoch_s\n" +
        "1,2.5,2.75,0.01,1.5\n" +
        "2,2,,0.005,1.25\n" +
        "3,1.5,1.875,0.0025,1\n";

    [Fact]
    public void Writes_one_row_per_epoch_to_metrics_csv_in_the_output_directory_with_NaN_as_an_empty_field()
    {
        using var dir = new TempDir();
        using var sink = new CsvMetricsSink();

        SinkTestKit.Play(sink, dir.Path);

        Assert.Equal(Path.Combine(dir.Path, "metrics.csv"), sink.FilePath);
        Assert.Equal(Expected, File.ReadAllText(sink.FilePath!));
    }

    [Fact]
    public void Each_row_is_on_disk_as_soon_as_its_epoch_ends()
    {
        using var dir = new TempDir();
        using var sink = new CsvMetricsSink();
        var table = SinkTestKit.Table();
        sink.OnTrainingStart(SinkTestKit.Start(dir.Path));

        sink.OnEpochEnd(table[0]);
        Assert.Equal(2, ReadShared(sink.FilePath!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        sink.OnEpochEnd(table[1]);
        Assert.Equal(3, ReadShared(sink.FilePath!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Numbers_are_invariant_whatever_the_current_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var writer = new StringWriter { NewLine = "\n" };
            SinkTestKit.Play(new CsvMetricsSink(writer));
            Assert.Equal(Expected, writer.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Column_names_that_need_it_are_quoted()
    {
        var table = MetricsSummary.FromRows([new Dictionary<string, double> { ["train/loss"] = 1, ["acc, top-5"] = 0.5, ["say \"hi\""] = 2 }]);
        var writer = new StringWriter { NewLine = "\n" };
        var sink = new CsvMetricsSink(writer);

        sink.OnTrainingStart(SinkTestKit.Start());
        sink.OnEpochEnd(table[0]);

        Assert.Equal("epoch,train/loss,\"acc, top-5\",\"say \"\"hi\"\"\"\n1,1,0.5,2\n", writer.ToString());
    }

    [Fact]
    public void A_column_that_appears_in_a_later_epoch_is_in_the_file_after_the_run()
    {
        using var dir = new TempDir();
        using var sink = new CsvMetricsSink(Path.Combine(dir.Path, "sub", "m.csv"));
        var early = MetricsSummary.FromRows([SinkTestKit.Rows[0]]);
        var rows = SinkTestKit.Rows.Select(r => new Dictionary<string, double>(r)).ToList();
        rows[1]["acc"] = 0.5;
        rows[2]["acc"] = 0.75;
        var final = MetricsSummary.FromRows(rows);

        sink.OnTrainingStart(SinkTestKit.Start(dir.Path));
        sink.OnEpochEnd(early[0]);
        sink.OnEpochEnd(final[1]);
        sink.OnEpochEnd(final[2]);
        sink.OnTrainingEnd(SinkTestKit.Results(final));

        Assert.Equal(
            "epoch,train/loss,val/loss,lr,time/epoch_s,acc\n" +
            "1,2.5,2.75,0.01,1.5,\n" +
            "2,2,,0.005,1.25,0.5\n" +
            "3,1.5,1.875,0.0025,1,0.75\n",
            File.ReadAllText(Path.Combine(dir.Path, "sub", "m.csv")));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "sub"), "*.tmp"));
    }

    [Fact]
    public void A_resumed_run_appends_under_the_existing_header()
    {
        using var dir = new TempDir();
        var table = SinkTestKit.Table();
        using (var first = new CsvMetricsSink())
        {
            first.OnTrainingStart(SinkTestKit.Start(dir.Path));
            first.OnEpochEnd(table[0]);
            first.OnTrainingEnd(SinkTestKit.Results(MetricsSummary.FromRows([SinkTestKit.Rows[0]])));
        }

        using var resumed = new CsvMetricsSink();
        resumed.OnTrainingStart(new TrainingStartInfo(3, 4, StartEpoch: 2, dir.Path));
        resumed.OnEpochEnd(table[1]);
        resumed.OnEpochEnd(table[2]);
        resumed.OnTrainingEnd(SinkTestKit.Results(table));

        Assert.Equal(Expected, File.ReadAllText(Path.Combine(dir.Path, "metrics.csv")));
    }

    [Fact]
    public void Without_a_path_or_an_output_directory_it_says_where_to_give_one()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new CsvMetricsSink().OnTrainingStart(SinkTestKit.Start(outputDirectory: null)));
        Assert.Contains("output directory", ex.Message);
        Assert.Contains(nameof(CsvMetricsSink), ex.Message);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
