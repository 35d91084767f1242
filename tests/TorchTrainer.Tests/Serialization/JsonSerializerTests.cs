using System.Text.Json;
using System.Text.Json.Serialization;
using TorchTrainer.Tests.Legacy;
using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Serialization;

/// <summary>
/// <c>JsonSerializer.Serialize(results)</c> — the first thing a service does with results — writes the
/// results.json contract, and <c>Deserialize</c> reads schema 4 and v3 files, through the reflection-based
/// serializer and a source-generated context alike. Serializing is not a legacy use.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class JsonSerializerTests : IDisposable
{
    // The contract's example (epochs 1-2, validated each epoch), 12.5 s, no checkpoint.
    private const string ContractExampleJson = """
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
          "perplexity": 13.599050851830924,
          "best_epoch": 2,
          "training_time_s": 12.5,
          "best_checkpoint": null,
          "loss_history": [2.91,2.5],
          "val_loss_history": [3.02,2.61],
          "deprecated_keys": ["loss_history","val_loss_history"]
        }
        """;

    private readonly ShimScope _scope = new();

    public void Dispose() => _scope.Dispose();

    private static TrainingResults Example() => TrainingResults.FromMetrics(ContractExample(), TimeSpan.FromSeconds(12.5));

    [Fact]
    public void Serialize_writes_the_results_json_contract_text()
    {
        Assert.Equal(ContractExampleJson.ReplaceLineEndings(Environment.NewLine), JsonSerializer.Serialize(Example()));
        Assert.Equal(ContractExampleJson.ReplaceLineEndings(Environment.NewLine), JsonSerializer.Serialize<object>(Example()));
    }

    [Fact]
    public void The_source_generated_context_writes_the_same_text()
    {
        Assert.Equal(
            ContractExampleJson.ReplaceLineEndings(Environment.NewLine),
            JsonSerializer.Serialize(Example(), ResultsContext.Default.TrainingResults));
    }

    [Fact]
    public void Serializing_is_not_a_legacy_use_no_warning_in_default_mode()
    {
        JsonSerializer.Serialize(Example());
        JsonSerializer.Serialize(Example(), ResultsContext.Default.TrainingResults);

        Assert.Empty(_scope.Fallback.ToString());
    }

    [Fact]
    public void Serializing_is_not_a_legacy_use_no_exception_in_strict_mode()
    {
        ShimScope.StrictBySwitch(true);

        var json = JsonSerializer.Serialize(new ServiceResponse("run-7", Example()));

        Assert.Contains("\"loss_history\": [2.91,2.5]", json);
        Assert.Empty(_scope.Fallback.ToString());
    }

    [Fact]
    public void Deserialize_reads_schema_4_with_every_value()
    {
        var back = JsonSerializer.Deserialize<TrainingResults>(ContractExampleJson)!;

        Assert.Equal(["epoch", "train/loss", "val/loss"], back.MetricsSummary.ColumnNames);
        Assert.Equal([2.91, 2.5], back.MetricsSummary.TrainLoss);
        Assert.Equal([3.02, 2.61], back.MetricsSummary.ValLoss);
        Assert.Equal(TimeSpan.FromSeconds(12.5), back.TrainingTime);
        Assert.Equal(2, back.BestEpoch);
        Assert.Null(back.BestCheckpointPath);
    }

    [Fact]
    public void Deserialize_reads_a_v3_file_through_both_paths()
    {
        const string v3 = """{"loss_history": [1.5, 1.2, 1.1], "val_loss_history": [1.6, 1.4], "training_time_s": 3.0}""";

        foreach (var back in new[] { JsonSerializer.Deserialize<TrainingResults>(v3)!, JsonSerializer.Deserialize(v3, ResultsContext.Default.TrainingResults)! })
        {
            Assert.Equal([1.0, 2.0, 3.0], back.MetricsSummary["epoch"]);
            Assert.Equal([1.5, 1.2, 1.1], back.MetricsSummary.TrainLoss);
            Assert.Equal(1.6, back.MetricsSummary.ValLoss[0]);
            Assert.True(double.IsNaN(back.MetricsSummary.ValLoss[2]));
            Assert.Equal(1.4, back.FinalValLoss);
            Assert.Equal(TimeSpan.FromSeconds(3), back.TrainingTime);
        }
    }

    [Fact]
    public void Results_inside_a_service_response_round_trip_through_the_source_generated_context()
    {
        var response = new ServiceResponse("run-7", TrainingResults.FromMetrics(Notebook(), TimeSpan.FromSeconds(2), "ckpt/epoch-3"));

        var json = JsonSerializer.Serialize(response, ResultsContext.Default.ServiceResponse);
        var back = JsonSerializer.Deserialize(json, ResultsContext.Default.ServiceResponse)!;

        Assert.Equal("run-7", back.RunId);
        Assert.Equal([3.40, 2.80, 2.35, 2.10], back.Results.MetricsSummary.TrainLoss);
        Assert.Equal([1e-3, 1e-3, 5e-4, 2.5e-4], back.Results.MetricsSummary["lr"]);
        Assert.Equal("ckpt/epoch-3", back.Results.BestCheckpointPath);
        Assert.Equal(3, back.Results.BestEpoch);
    }

    [Fact]
    public void A_document_that_is_not_results_gives_a_JsonException_naming_where_with_the_results_error_inside()
    {
        const string json = """{"runId": "r", "results": {"schema_version": 4, "metrics_summary": {"columns": ["epoch", "train/loss"], "rows": [[1, "x"]]}}}""";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ServiceResponse>(json, WebOptions));

        var inner = Assert.IsType<ResultsFormatException>(error.InnerException);
        Assert.Equal("$.metrics_summary.rows[0][1]", inner.JsonPath);
        Assert.Equal("$.results", error.Path); // the serializer fills in where the results object sat
    }

    [Fact]
    public void A_summary_is_written_as_the_metrics_summary_object_with_NaN_as_null()
    {
        var summary = MetricsSummary.FromRows(
        [
            Row(("train/loss", 1.5), ("val/loss", double.NaN)),
            Row(("train/loss", double.PositiveInfinity), ("val/loss", 1.25)),
        ]);

        Assert.Equal(
            """{"columns":["epoch","train/loss","val/loss"],"rows":[[1,1.5,null],[2,"Infinity",1.25]]}""",
            JsonSerializer.Serialize(summary));
        var back = JsonSerializer.Deserialize<MetricsSummary>("""{"columns":["epoch","train/loss"],"rows":[[1,"-Infinity"],[2,null]]}""")!;
        Assert.Equal(double.NegativeInfinity, back.TrainLoss[0]);
        Assert.True(double.IsNaN(back.TrainLoss[1]));
    }

    [Fact]
    public void An_epoch_is_written_as_an_object_of_column_and_value()
    {
        var epochs = TrainingResults.FromMetrics(ContractExample()).MetricsSummary.ToList();

        Assert.Equal(
            """[{"epoch":1,"train/loss":2.91,"val/loss":3.02},{"epoch":2,"train/loss":2.5,"val/loss":2.61}]""",
            JsonSerializer.Serialize(epochs));
        var back = JsonSerializer.Deserialize<EpochMetrics>("""{"epoch": 4, "train/loss": 0.5, "acc": null}""")!;
        Assert.Equal(4, back.Epoch);
        Assert.Equal(0.5, back["train/loss"]);
        Assert.True(double.IsNaN(back["acc"]));
    }

    [Fact]
    public void A_column_is_written_as_a_number_array_with_NaN_as_null()
    {
        var column = TrainingResults.FromMetrics(MetricsSummary.FromRows([Row(("val/loss", double.NaN)), Row(("val/loss", 0.75))])).MetricsSummary.ValLoss;

        Assert.Equal("[null,0.75]", JsonSerializer.Serialize<object>(column));
        Assert.Equal([1.0, 2.0], JsonSerializer.Deserialize<MetricColumn>("[1, 2]")!);
    }

    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);
}

public sealed record ServiceResponse(string RunId, TrainingResults Results);

[JsonSerializable(typeof(TrainingResults))]
[JsonSerializable(typeof(ServiceResponse))]
internal sealed partial class ResultsContext : JsonSerializerContext;
