using System.Globalization;
using System.Text.Json;
using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Serialization;

public class ResultsJsonTests
{
    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public void Schema_4_text_of_the_contract_example_is_exact()
    {
        var results = TrainingResults.FromMetrics(ContractExample(), TimeSpan.FromSeconds(12.5));

        var json = results.ToJson();

        var expected = $$"""
            {
              "schema_version": 4,
              "metrics_summary": {
                "columns": ["epoch","train/loss","val/loss"],
                "rows": [
                  [1,2.91,3.02],
                  [2,2.5,2.61]
                ]
              },
              "final_loss": 2.5,
              "final_val_loss": 2.61,
              "perplexity": {{R(Math.Exp(2.61))}},
              "best_epoch": 2,
              "training_time_s": 12.5,
              "best_checkpoint": null,
              "loss_history": [2.91,2.5],
              "val_loss_history": [3.02,2.61],
              "deprecated_keys": ["loss_history","val_loss_history"]
            }
            """;
        Assert.Equal(expected.ReplaceLineEndings(Environment.NewLine), json);
    }

    [Fact]
    public void Keys_come_in_the_contract_order()
    {
        using var doc = JsonDocument.Parse(TrainingResults.FromMetrics(Notebook()).ToJson());

        Assert.Equal(
            ["schema_version", "metrics_summary", "final_loss", "final_val_loss", "perplexity", "best_epoch",
             "training_time_s", "best_checkpoint", "loss_history", "val_loss_history", "deprecated_keys"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["columns", "rows"], doc.RootElement.GetProperty("metrics_summary").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Without_validation_data_val_figures_are_null_and_val_loss_history_is_empty()
    {
        using var doc = JsonDocument.Parse(TrainingResults.FromMetrics(NoValidation()).ToJson());
        var root = doc.RootElement;

        Assert.Equal(JsonValueKind.Null, root.GetProperty("final_val_loss").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("perplexity").ValueKind);
        Assert.Equal(3, root.GetProperty("best_epoch").GetInt32());
        Assert.Equal(0, root.GetProperty("val_loss_history").GetArrayLength());
        Assert.Equal(3, root.GetProperty("loss_history").GetArrayLength());
    }

    [Fact]
    public void Empty_metrics_write_an_empty_table_and_null_final_loss_and_read_back()
    {
        var json = TrainingResults.FromMetrics(MetricsSummary.FromRows([])).ToJson();

        using (var doc = JsonDocument.Parse(json))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("metrics_summary").GetProperty("rows").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("final_loss").ValueKind);
            Assert.Equal(0, doc.RootElement.GetProperty("best_epoch").GetInt32());
        }

        var back = TrainingResults.FromJson(json);
        Assert.Empty(back.MetricsSummary);
        Assert.Equal(["epoch"], back.MetricsSummary.ColumnNames);
        Assert.True(double.IsNaN(back.FinalLoss));
    }

    [Fact]
    public void NaN_is_written_as_null_in_rows_and_histories_and_read_back_as_NaN()
    {
        var table = MetricsSummary.FromRows(
        [
            Row(("train/loss", 3.0), ("val/loss", double.NaN)),
            Row(("train/loss", double.NaN), ("val/loss", 2.0)),
        ]);

        var json = TrainingResults.FromMetrics(table).ToJson();

        Assert.Contains("[1,3,null]", json);
        Assert.Contains("[2,null,2]", json);
        Assert.Contains("\"loss_history\": [3,null]", json);
        Assert.Contains("\"val_loss_history\": [null,2]", json);
        Assert.DoesNotContain("NaN", json);
        var back = TrainingResults.FromJson(json).MetricsSummary;
        Assert.True(double.IsNaN(back.ValLoss[0]));
        Assert.True(double.IsNaN(back.TrainLoss[1]));
        Assert.Equal(2.0, back.ValLoss[1]);
    }

    [Fact]
    public void Round_trip_is_exact_for_doubles_extra_columns_time_and_checkpoint()
    {
        double[] awkward = [0.1 + 0.2, 1.0 / 3, -0.0, double.Epsilon, double.MaxValue, -double.MaxValue, 1e-300, 123456789.123456789, double.PositiveInfinity, double.NegativeInfinity, double.NaN];
        var table = MetricsSummary.FromRows(awkward.Select((v, i) => Row(
            ("train/loss", v), ("val/loss", -v), ("lr", v / 7), ("my metric, \"quoted\" ü", i * 0.1))));
        var original = TrainingResults.FromMetrics(table, TimeSpan.FromTicks(98_765_432_123_457), "/runs/ünïcode \"best\".pt");

        var json = original.ToJson();
        var back = TrainingResults.FromJson(json);

        Assert.Equal(original.MetricsSummary.ColumnNames, back.MetricsSummary.ColumnNames);
        foreach (var column in original.MetricsSummary.ColumnNames)
        {
            Assert.Equal(
                original.MetricsSummary[column].Select(BitConverter.DoubleToInt64Bits).Where((_, i) => !double.IsNaN(original.MetricsSummary[column][i])),
                back.MetricsSummary[column].Select(BitConverter.DoubleToInt64Bits).Where((_, i) => !double.IsNaN(back.MetricsSummary[column][i])));
            Assert.Equal(original.MetricsSummary[column].Select(double.IsNaN), back.MetricsSummary[column].Select(double.IsNaN));
        }

        Assert.Equal(original.TrainingTime, back.TrainingTime);
        Assert.Equal(original.BestCheckpointPath, back.BestCheckpointPath);
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public void Infinity_which_JSON_numbers_cannot_hold_is_written_as_a_string()
    {
        var json = TrainingResults.FromMetrics(MetricsSummary.FromRows([Row(("train/loss", double.PositiveInfinity), ("val/loss", double.NegativeInfinity))])).ToJson();

        Assert.Contains("[1,\"Infinity\",\"-Infinity\"]", json);
        Assert.Contains("\"final_loss\": \"Infinity\"", json);
    }

    [Fact]
    public void Columns_keep_the_files_order_even_when_it_is_not_the_standard_one()
    {
        var back = TrainingResults.FromJson("""
            {"schema_version": 4, "metrics_summary": {"columns": ["acc", "train/loss"], "rows": [[0.9, 1.5]]}}
            """);

        Assert.Equal(["acc", "train/loss"], back.MetricsSummary.ColumnNames);
        Assert.Equal(1, back.MetricsSummary[0].Epoch);
        Assert.Equal(1.5, back.FinalLoss);
        Assert.Equal(TimeSpan.Zero, back.TrainingTime);
        Assert.Null(back.BestCheckpointPath);
    }

    [Fact]
    public void Derived_keys_are_recomputed_from_the_table_not_trusted()
    {
        var back = TrainingResults.FromJson("""
            {"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss"], "rows": [[1, 2.0], [2, 1.0]]},
             "final_loss": 99, "best_epoch": 7, "loss_history": [5, 5], "some_future_key": {"x": 1}}
            """);

        Assert.Equal(1.0, back.FinalLoss);
        Assert.Equal(2, back.BestEpoch);
    }

    [Fact]
    public void A_minor_revision_of_schema_4_is_read()
    {
        var back = TrainingResults.FromJson("""{"schema_version": 4.1, "metrics_summary": {"columns": ["epoch"], "rows": [[1]]}}""");

        Assert.Single(back.MetricsSummary);
    }

    // ---- v3 files ----

    [Fact]
    public void V3_file_loads_into_epoch_train_loss_and_val_loss_columns()
    {
        var back = TrainingResults.FromJson("""
            {"loss_history": [3.1, 2.7, 2.5], "val_loss_history": [3.3, 2.9, 2.8], "training_time_s": 60.5}
            """);

        Assert.Equal(["epoch", "train/loss", "val/loss"], back.MetricsSummary.ColumnNames);
        Assert.Equal([1.0, 2, 3], back.MetricsSummary["epoch"]);
        Assert.Equal([3.1, 2.7, 2.5], back.MetricsSummary.TrainLoss);
        Assert.Equal([3.3, 2.9, 2.8], back.MetricsSummary.ValLoss);
        Assert.Equal(2.8, back.FinalValLoss);
        Assert.Equal(3, back.BestEpoch);
        Assert.Equal(TimeSpan.FromSeconds(60.5), back.TrainingTime);
    }

    [Theory]
    [InlineData("""{"loss_history": [2.0, 1.0]}""")]
    [InlineData("""{"loss_history": [2.0, 1.0], "val_loss_history": []}""")]
    [InlineData("""{"loss_history": [2.0, 1.0], "val_loss_history": null}""")]
    public void V3_file_without_validation_has_no_val_loss_column(string json)
    {
        var back = TrainingResults.FromJson(json);

        Assert.Equal(["epoch", "train/loss"], back.MetricsSummary.ColumnNames);
        Assert.Empty(back.MetricsSummary.ValLoss);
        Assert.Null(back.FinalValLoss);
        Assert.Equal(TimeSpan.Zero, back.TrainingTime);
    }

    [Fact]
    public void V3_val_history_shorter_than_loss_history_is_aligned_from_the_first_epoch()
    {
        var back = TrainingResults.FromJson("""{"loss_history": [3.0, 2.0, 1.0], "val_loss_history": [3.5, 2.5]}""");

        Assert.Equal([3.5, 2.5, double.NaN], back.MetricsSummary.ValLoss);
        Assert.Equal(2.5, back.FinalValLoss);
        Assert.Equal(2, back.BestEpoch);
    }

    [Fact]
    public void V3_val_history_longer_than_loss_history_is_refused()
    {
        var ex = Assert.Throws<ResultsFormatException>(() => TrainingResults.FromJson("""{"loss_history": [3.0], "val_loss_history": [3.5, 2.5]}"""));

        Assert.Contains("'val_loss_history' has 2 values but 'loss_history' only 1", ex.Message);
        Assert.Equal("$.val_loss_history", ex.JsonPath);
    }

    [Fact]
    public void V3_file_saved_again_becomes_schema_4_with_the_same_histories()
    {
        var json = TrainingResults.FromJson("""{"loss_history": [3.0, null], "val_loss_history": [3.5]}""").ToJson();

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(4, doc.RootElement.GetProperty("schema_version").GetInt32());
        Assert.Equal("[3,null]", doc.RootElement.GetProperty("loss_history").GetRawText());
        Assert.Equal("[3.5,null]", doc.RootElement.GetProperty("val_loss_history").GetRawText());
    }

    // ---- refusals ----

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public void Newer_major_schema_is_refused_naming_both_versions_and_the_upgrade(int version)
    {
        var ex = Assert.Throws<ResultsFormatException>(() => TrainingResults.FromJson(
            $$$"""{"schema_version": {{{version}}}, "metrics_summary": {"columns": [], "rows": []}}"""));

        Assert.Contains($"schema_version {version}", ex.Message);
        Assert.Contains("schema 4", ex.Message);
        Assert.Contains("Upgrade the TorchTrainer package", ex.Message);
        Assert.Equal("$.schema_version", ex.JsonPath);
    }

    public static TheoryData<string, string, string?> Malformed => new()
    {
        // what, the text, a fragment the message must hold, the JSON path
        { """{"schema_version": 4}""", "the required key 'metrics_summary' is missing", "$" },
        { """{"schema_version": 4, "metrics_summary": {"rows": []}}""", "the required key 'columns' is missing", "$.metrics_summary" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch"]}}""", "the required key 'rows' is missing", "$.metrics_summary" },
        { """{"metrics_summary": {"columns": ["epoch"], "rows": []}}""", "'schema_version' is missing", "$" },
        { """{"epochs": 3}""", "not a TorchTrainer results file", "$" },
        { """[1, 2]""", "a results file is a JSON object, but this is an array", "$" },
        { """{"schema_version": "4", "metrics_summary": {}}""", "'schema_version' must be a positive number", "$.schema_version" },
        { """{"schema_version": 0, "metrics_summary": {}}""", "'schema_version' must be a positive number", "$.schema_version" },
        { """{"schema_version": 4, "metrics_summary": [1]}""", "'metrics_summary' is an object", "$.metrics_summary" },
        { """{"schema_version": 4, "metrics_summary": {"columns": "epoch", "rows": []}}""", "'columns' must be an array", "$.metrics_summary.columns" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", 7], "rows": []}}""", "a column name must be a non-empty string, but this one is the number 7", "$.metrics_summary.columns[1]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", ""], "rows": []}}""", "a column name must be a non-empty string", "$.metrics_summary.columns[1]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss", "epoch"], "rows": []}}""", "the column 'epoch' appears twice", "$.metrics_summary.columns[2]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch"], "rows": {}}}""", "'rows' must be an array", "$.metrics_summary.rows" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch"], "rows": [[1], 2]}}""", "each row must be an array of 1 values (epoch), but this one is the number 2", "$.metrics_summary.rows[1]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss", "val/loss"], "rows": [[1, 2.9, 3.0], [2, 2.5]]}}""", "the row has 2 values but there are 3 columns (epoch, train/loss, val/loss)", "$.metrics_summary.rows[1]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss"], "rows": [[1, 2.9, 7]]}}""", "the row has 3 values but there are 2 columns", "$.metrics_summary.rows[0]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss"], "rows": [[1, "2.9"]]}}""", "expected a number or null in column 'train/loss', but found the string \"2.9\"", "$.metrics_summary.rows[0][1]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss"], "rows": [[1, true]]}}""", "expected a number or null in column 'train/loss', but found true", "$.metrics_summary.rows[0][1]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss"], "rows": [[1, [2]]]}}""", "but found an array", "$.metrics_summary.rows[0][1]" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss"], "rows": [[1, 1e400]]}}""", "outside the range of a double", "$.metrics_summary.rows[0][1]" },
        { """{"schema_version": 4, "schema_version": 4, "metrics_summary": {"columns": [], "rows": []}}""", "the key 'schema_version' appears twice", "$" },
        { """{"schema_version": 4, "metrics_summary": {"columns": [], "rows": []}, "training_time_s": "12s"}""", "'training_time_s' must be a number of seconds", "$.training_time_s" },
        { """{"schema_version": 4, "metrics_summary": {"columns": [], "rows": []}, "training_time_s": -1}""", "'training_time_s' must be a number of seconds", "$.training_time_s" },
        { """{"schema_version": 4, "metrics_summary": {"columns": [], "rows": []}, "best_checkpoint": 3}""", "'best_checkpoint' must be a path string or null", "$.best_checkpoint" },
        { """{"loss_history": "3.1, 2.7"}""", "expected an array of numbers", "$.loss_history" },
        { """{"loss_history": [3.1, "x"]}""", "expected a number or null in the list, but found the string \"x\"", "$.loss_history[1]" },
        { """{"loss_history": [3.1], "val_loss_history": {}}""", "expected an array of numbers", "$.val_loss_history" },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch"], "rows": [[1], [2""", "not valid JSON at line 1", null },
        { "{\"schema_version\": 4,\n \"metrics_summary\": {\"columns\": [\"epoch\"],, \"rows\": []}}", "not valid JSON at line 2", null },
        { """{"schema_version": 4, "metrics_summary": {"columns": ["epoch"], "rows": [],}}""", "not valid JSON", null },
        { "", "the text is empty", null },
        { "  \n ", "the text is empty", null },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_text_is_refused_saying_what_and_where(string json, string what, string? where)
    {
        var ex = Assert.Throws<ResultsFormatException>(() => TrainingResults.FromJson(json));

        Assert.Contains(what, ex.Message);
        Assert.Equal(where, ex.JsonPath);
        if (where is not null)
        {
            Assert.Contains($" at {where}:", ex.Message);
        }

        Assert.Null(ex.FilePath);
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused_with_ResultsFormatException_only()
    {
        var json = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromSeconds(3), "best.pt").ToJson();

        for (var length = 0; length < json.Length; length++)
        {
            var prefix = json[..length];
            var ex = Record.Exception(() => TrainingResults.FromJson(prefix));
            Assert.True(ex is ResultsFormatException, $"length {length}: {ex?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void Every_value_replaced_by_a_wrong_type_is_refused_or_ignored_never_crashes()
    {
        var json = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromSeconds(3), "best.pt").ToJson();
        string[] wrong = ["\"x\"", "{}", "[]", "true", "[[]]", "-1"];
        var numbers = System.Text.RegularExpressions.Regex.Matches(json, @"(?<=[\[,: ])(-?[0-9][0-9.eE+\-]*|null|""[^""]*"")(?=[\],\r\n])");
        Assert.True(numbers.Count > 30);

        foreach (System.Text.RegularExpressions.Match value in numbers)
        {
            foreach (var replacement in wrong)
            {
                var mutated = json[..value.Index] + replacement + json[(value.Index + value.Length)..];
                var ex = Record.Exception(() => TrainingResults.FromJson(mutated));
                Assert.True(ex is null or ResultsFormatException, $"{value.Value} -> {replacement}: {ex}");
            }
        }
    }

    [Fact]
    public void Null_text_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => TrainingResults.FromJson(null!));
    }

    [Fact]
    public void ResultsFormatException_is_a_public_FormatException()
    {
        Assert.True(typeof(ResultsFormatException).IsPublic);
        Assert.True(typeof(FormatException).IsAssignableFrom(typeof(ResultsFormatException)));
    }
}
