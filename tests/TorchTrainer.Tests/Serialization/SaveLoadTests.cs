using System.Text;
using System.Text.Json;
using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Serialization;

public sealed class SaveLoadTests : IDisposable
{
    private readonly TempDir _folder = new();

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => Path.Combine(_folder.Path, name);

    private string[] TempFiles() => Directory.GetFiles(_folder.Path, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories);

    [Fact]
    public void Save_writes_the_contract_keys_with_the_results_values_and_Load_reads_them_back()
    {
        var path = PathOf("results.json");
        var results = TrainingResults.FromMetrics(ContractExample(), TimeSpan.FromSeconds(12.5), "best.pt");

        results.Save(path);
        var back = TrainingResults.Load(path);

        // The file: the contract's schema-4 keys, with the values of the contract's example written out here.
        var bytes = File.ReadAllBytes(path);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "no byte-order mark");
        Assert.EndsWith("}\n", Encoding.UTF8.GetString(bytes));
        using (var json = JsonDocument.Parse(bytes))
        {
            var root = json.RootElement;
            Assert.Equal(4, root.GetProperty("schema_version").GetInt32());
            Assert.Equal(["epoch", "train/loss", "val/loss"], root.GetProperty("metrics_summary").GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal([[1, 2.91, 3.02], [2, 2.50, 2.61]],
                root.GetProperty("metrics_summary").GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()));
            Assert.Equal(2.50, root.GetProperty("final_loss").GetDouble());
            Assert.Equal(2.61, root.GetProperty("final_val_loss").GetDouble());
            Assert.Equal(Math.Exp(2.61), root.GetProperty("perplexity").GetDouble(), 12);
            Assert.Equal(2, root.GetProperty("best_epoch").GetInt32());
            Assert.Equal(12.5, root.GetProperty("training_time_s").GetDouble());
            Assert.Equal("best.pt", root.GetProperty("best_checkpoint").GetString());
            Assert.Equal([2.91, 2.50], root.GetProperty("loss_history").EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal([3.02, 2.61], root.GetProperty("val_loss_history").EnumerateArray().Select(v => v.GetDouble()));
        }

        // Read back: the same values, not a second serialization compared with the first.
        Assert.Equal(["epoch", "train/loss", "val/loss"], back.MetricsSummary.ColumnNames);
        Assert.Equal([2.91, 2.50], back.MetricsSummary.TrainLoss);
        Assert.Equal([3.02, 2.61], back.MetricsSummary.ValLoss);
        Assert.Equal(2.50, back.FinalLoss);
        Assert.Equal(2.61, back.FinalValLoss);
        Assert.Equal(2, back.BestEpoch);
        Assert.Equal(TimeSpan.FromSeconds(12.5), back.TrainingTime);
        Assert.Equal("best.pt", back.BestCheckpointPath);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void Save_replaces_an_existing_file_completely()
    {
        var path = PathOf("results.json");
        File.WriteAllText(path, new string('x', 100_000));

        TrainingResults.FromMetrics(ContractExample()).Save(path);

        Assert.Equal(2, TrainingResults.Load(path).MetricsSummary.Count);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void A_failure_while_writing_leaves_the_old_file_intact_and_no_temp_file()
    {
        var path = PathOf("results.json");
        TrainingResults.FromMetrics(ContractExample()).Save(path);
        var before = File.ReadAllBytes(path);

        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("{\"schema_version\": 4, \"metrics_su"));
            throw new InvalidOperationException("serialization failed half-way");
        }));

        Assert.Equal("serialization failed half-way", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void A_failure_to_replace_the_target_removes_the_temp_file_and_names_the_path()
    {
        var path = PathOf("results.json");
        Directory.CreateDirectory(Path.Combine(path, "in-the-way")); // the target is a non-empty folder: the rename fails

        var ex = Assert.ThrowsAny<IOException>(() => TrainingResults.FromMetrics(Notebook()).Save(path));

        Assert.Contains(path, ex.Message);
        Assert.True(Directory.Exists(Path.Combine(path, "in-the-way")));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void Save_into_a_missing_folder_names_the_path_and_creates_nothing()
    {
        var path = PathOf(Path.Combine("missing", "results.json"));

        var ex = Assert.Throws<DirectoryNotFoundException>(() => TrainingResults.FromMetrics(Notebook()).Save(path));

        Assert.Contains(path, ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void Save_refuses_a_blank_path()
    {
        Assert.ThrowsAny<ArgumentException>(() => TrainingResults.FromMetrics(Notebook()).Save(" "));
    }

    [Fact]
    public void Load_of_a_missing_file_names_the_path()
    {
        var path = PathOf("nothing-here.json");

        var ex = Assert.Throws<FileNotFoundException>(() => TrainingResults.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.FileName);
    }

    [Fact]
    public void Load_of_a_folder_names_the_path()
    {
        var ex = Assert.ThrowsAny<Exception>(() => TrainingResults.Load(_folder.Path));

        Assert.True(ex is IOException or UnauthorizedAccessException, ex.GetType().Name);
        Assert.Contains(_folder.Path, ex.Message);
    }

    [Fact]
    public void Load_of_a_malformed_file_names_the_file_what_and_where()
    {
        var path = PathOf("results.json");
        File.WriteAllText(path, """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "epoch"], "rows": []}}""");

        var ex = Assert.Throws<ResultsFormatException>(() => TrainingResults.Load(path));

        Assert.Equal(path, ex.FilePath);
        Assert.Equal("$.metrics_summary.columns[1]", ex.JsonPath);
        Assert.Contains($"'{path}'", ex.Message);
        Assert.Contains("the column 'epoch' appears twice", ex.Message);
    }

    [Fact]
    public void Load_of_a_file_cut_off_mid_write_is_a_format_error_naming_the_file()
    {
        var path = PathOf("results.json");
        var json = TrainingResults.FromMetrics(Notebook()).ToJson();
        File.WriteAllText(path, json[..(json.Length / 2)]);

        var ex = Assert.Throws<ResultsFormatException>(() => TrainingResults.Load(path));

        Assert.Contains("not valid JSON", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Load_of_a_file_that_is_not_UTF8_is_a_format_error()
    {
        var path = PathOf("results.json");
        File.WriteAllBytes(path, [(byte)'{', 0xC3, 0x28, (byte)'}']);

        var ex = Assert.Throws<ResultsFormatException>(() => TrainingResults.Load(path));

        Assert.Contains("not UTF-8", ex.Message);
        Assert.Equal(path, ex.FilePath);
    }

    [Fact]
    public void Load_accepts_a_byte_order_mark_and_a_v3_file()
    {
        var path = PathOf("v3.json");
        File.WriteAllText(path, """{"loss_history": [2.0, 1.5], "val_loss_history": [2.2, 1.9], "training_time_s": 9960}""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var back = TrainingResults.Load(path);

        Assert.Equal(1.5, back.FinalLoss);
        Assert.Equal(1.9, back.FinalValLoss);
        Assert.Equal(TimeSpan.FromMinutes(166), back.TrainingTime);
    }
}
