using System.Text;
using System.Text.Json;
using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Serialization;

/// <summary>
/// <c>FromJson</c>, <c>Load</c> and <c>JsonSerializer.Deserialize</c> on damaged results files: each either reads the
/// text or throws the one documented exception (<see cref="ResultsFormatException"/>, or the serializer's
/// <see cref="JsonException"/>), never anything else. Deterministic: fixed seeds, so a failure names its input.
/// </summary>
public sealed class ReaderFuzzTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("results-fuzz-");

    public void Dispose() => _folder.Delete(recursive: true);

    // A schema-4 file with every kind of value: NaN (null), ±infinity (strings), an extra column, a checkpoint.
    private const string Schema4 = """
        {
          "schema_version": 4,
          "metrics_summary": {
            "columns": ["epoch","train/loss","val/loss","acc"],
            "rows": [
              [1,2.91,null,0.5],
              [2,"Infinity",2.61,"-Infinity"]
            ]
          },
          "final_loss": "Infinity", "final_val_loss": 2.61, "perplexity": 13.6, "best_epoch": 2,
          "training_time_s": 12.5, "best_checkpoint": "ckpt/époque-2",
          "loss_history": [2.91,"Infinity"], "val_loss_history": [null,2.61],
          "deprecated_keys": ["loss_history","val_loss_history"]
        }
        """;

    private const string V3 = """{"loss_history": [1.5, 1.25, 1.0], "val_loss_history": [1.75, 1.5], "training_time_s": 3.5, "best_checkpoint": null}""";

    [Fact]
    public void Every_truncation_of_a_file_is_read_or_refused_as_a_format_error()
    {
        foreach (var document in new[] { Schema4, V3 })
        {
            for (var length = 0; length < document.Length; length++)
            {
                Check(document[..length]);
            }
        }
    }

    [Fact]
    public void Random_mutations_are_read_or_refused_as_a_format_error()
    {
        string[] pieces = ["\"", "{", "}", "[", "]", ",", ":", "null", "1e999", "-1e400", "1e-400", "\\ud800", "\\udfff", "\\u0000", "\ud800",
            "\uffff", "NaN", "\"NaN\"", "9999999999999999999999", "-0", "true", "\\", "\n", "schema_version", "5", "4.9", "0", ""];
        var random = new Random(20261201);
        foreach (var document in new[] { Schema4, V3 })
        {
            for (var i = 0; i < 3000; i++)
            {
                var text = new StringBuilder(document);
                for (var edits = random.Next(1, 4); edits > 0; edits--)
                {
                    var at = random.Next(text.Length + 1);
                    var piece = pieces[random.Next(pieces.Length)];
                    switch (random.Next(3))
                    {
                        case 0: text.Insert(at, piece); break;
                        case 1: text.Remove(Math.Min(at, text.Length - 1), Math.Min(random.Next(1, 6), text.Length - Math.Min(at, text.Length - 1))); break;
                        default: text.Remove(Math.Min(at, text.Length - 1), 1).Insert(Math.Min(at, text.Length - 1), piece); break;
                    }
                }

                Check(text.ToString());
            }
        }
    }

    [Fact]
    public void Random_bytes_in_a_file_are_read_or_refused_as_a_format_error()
    {
        var random = new Random(7);
        var original = Encoding.UTF8.GetBytes(Schema4);
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var path = Path.Combine(_folder.FullName, "results.json");
            File.WriteAllBytes(path, bytes);
            try
            {
                TrainingResults.Load(path);
            }
            catch (ResultsFormatException ex)
            {
                Assert.Equal(path, ex.FilePath);
            }
        }
    }

    [Theory]
    [InlineData("""{"schema_version": 4, "metrics_summary": {"columns": ["epoch", "\ud800"], "rows": []}}""", "$.metrics_summary.columns[1]")]
    [InlineData("""{"schema_version": 4, "metrics_summary": {"columns": ["epoch"], "rows": [["\udfff"]]}}""", "$.metrics_summary.rows[0][0]")]
    [InlineData("""{"schema_version": 4, "metrics_summary": {"columns": [], "rows": []}, "best_checkpoint": "ckpt/\ud800"}""", "$.best_checkpoint")]
    [InlineData("""{"schema_version": 4, "\ud800": 1, "metrics_summary": {"columns": [], "rows": []}}""", "$")]
    [InlineData("""{"schema_version": 4, "metrics_summary": {"\ud800x": 1, "columns": [], "rows": []}}""", "$.metrics_summary")]
    [InlineData("""{"loss_history": [1, "\ud800"]}""", "$.loss_history[1]")]
    public void A_lone_surrogate_escape_is_a_format_error_at_its_path(string json, string path)
    {
        var error = Assert.Throws<ResultsFormatException>(() => TrainingResults.FromJson(json));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains("lone UTF-16 surrogate", error.Message);
        var serializer = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrainingResults>(json));
        Assert.Equal(path, Assert.IsType<ResultsFormatException>(serializer.InnerException).JsonPath);
    }

    [Fact]
    public void A_lone_surrogate_character_in_the_text_is_a_format_error()
    {
        var json = "{\"schema_version\": 4, \"metrics_summary\": {\"columns\": [\"ep\uD800och\"], \"rows\": []}}";

        Assert.Throws<ResultsFormatException>(() => TrainingResults.FromJson(json));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(100_000)]
    public void Deep_nesting_is_a_format_error(int depth)
    {
        var json = "{\"schema_version\": 4, \"metrics_summary\": " + new string('[', depth) + new string(']', depth) + "}";

        Assert.Throws<ResultsFormatException>(() => TrainingResults.FromJson(json));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrainingResults>(json));
    }

    [Theory]
    [InlineData("""{"schema_version": 1e999, "metrics_summary": {"columns": [], "rows": []}}""", "$.schema_version")]
    [InlineData("""{"schema_version": 4, "metrics_summary": {"columns": ["epoch"], "rows": [[1e999]]}}""", "$.metrics_summary.rows[0][0]")]
    [InlineData("""{"schema_version": 4, "metrics_summary": {"columns": ["epoch"], "rows": []}, "training_time_s": 1e300}""", "$.training_time_s")]
    [InlineData("""{"loss_history": [-1e400000]}""", "$.loss_history[0]")]
    public void Numbers_beyond_a_double_or_a_TimeSpan_are_format_errors_at_their_path(string json, string path)
    {
        Assert.Equal(path, Assert.Throws<ResultsFormatException>(() => TrainingResults.FromJson(json)).JsonPath);
    }

    [Fact]
    public void A_huge_but_finite_number_and_a_newer_minor_schema_still_read()
    {
        var results = TrainingResults.FromJson("""{"schema_version": 4.2, "metrics_summary": {"columns": ["train/loss"], "rows": [[1.7976931348623157e308]]}}""");

        Assert.Equal(double.MaxValue, results.FinalLoss);
        Assert.Equal(1, results.BestEpoch);
    }

    private static void Check(string text)
    {
        try
        {
            var results = TrainingResults.FromJson(text);
            _ = results.ToJson(); // whatever was read can be written back
        }
        catch (ResultsFormatException)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"FromJson threw {ex.GetType()} (not ResultsFormatException) for:{Environment.NewLine}{text}{Environment.NewLine}{ex}");
        }

        // The serializer reads what a service receives: UTF-8 bytes. (Given a .NET string with an unpaired surrogate
        // character, JsonSerializer itself throws ArgumentException while transcoding, before any converter runs.)
        try
        {
            JsonSerializer.Deserialize<TrainingResults>(Encoding.UTF8.GetBytes(text));
        }
        catch (JsonException)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"JsonSerializer.Deserialize threw {ex.GetType()} (not JsonException) for:{Environment.NewLine}{text}{Environment.NewLine}{ex}");
        }
    }
}
