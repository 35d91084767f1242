using System.Text.Json;
using System.Text.Json.Serialization;

namespace TorchTrainer;

// System.Text.Json converters for the results types, named by [JsonConverter] on each type, so that
// JsonSerializer (reflection-based or source-generated, AOT included) writes and reads the results.json
// contract (docs/contract.md) instead of walking public properties: walking them would lose every metric value (a table is
// an IReadOnlyList<EpochMetrics> whose rows' values sit behind an indexer), trip on NaN, and read the
// legacy members (a deprecation warning, or a LegacyApiException in strict mode, for code that never
// used them). The converters are public because a source-generated context instantiates them from the
// caller's assembly. A document that is not results JSON gives a JsonException (what callers of the
// serializer catch) whose inner exception is the ResultsFormatException that Load would throw.

/// <summary>
/// Writes <see cref="TrainingResults"/> exactly as <see cref="TrainingResults.ToJson"/> does (results.json,
/// schema 4, legacy keys included) and reads what <see cref="TrainingResults.FromJson"/> reads (schema 4 and v3).
/// Neither counts as a use of the legacy members.
/// </summary>
public sealed class TrainingResultsJsonConverter : JsonConverter<TrainingResults>
{
    /// <inheritdoc />
    public override TrainingResults Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return ResultsJsonConversion.Read(document.RootElement, ResultsJsonReader.Read);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TrainingResults value, JsonSerializerOptions options) =>
        writer.WriteRawValue(ResultsJsonWriter.ToUtf8(value), skipInputValidation: true);
}

/// <summary>
/// Writes a <see cref="MetricsSummary"/> as results.json's <c>metrics_summary</c> object
/// (<c>{"columns": [...], "rows": [[...], ...]}</c>, NaN as null) and reads it back.
/// </summary>
public sealed class MetricsSummaryJsonConverter : JsonConverter<MetricsSummary>
{
    /// <inheritdoc />
    public override MetricsSummary Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return ResultsJsonConversion.Read(document.RootElement, ResultsJsonReader.ReadMetricsSummary);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, MetricsSummary value, JsonSerializerOptions options) =>
        ResultsJsonWriter.WriteTable(writer, value);
}

/// <summary>Writes one epoch's <see cref="EpochMetrics"/> as an object of column name and value (NaN as null) and reads it back.</summary>
public sealed class EpochMetricsJsonConverter : JsonConverter<EpochMetrics>
{
    /// <inheritdoc />
    public override EpochMetrics Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return ResultsJsonConversion.Read(document.RootElement, ResultsJsonReader.ReadRow)[0];
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, EpochMetrics value, JsonSerializerOptions options) =>
        ResultsJsonWriter.WriteRow(writer, value);
}

/// <summary>Writes a <see cref="MetricColumn"/> as an array of numbers (NaN as null, ±infinity as strings) and reads it back.</summary>
public sealed class MetricColumnJsonConverter : JsonConverter<MetricColumn>
{
    /// <inheritdoc />
    public override MetricColumn Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new MetricColumn(ResultsJsonConversion.Read(document.RootElement, ResultsJsonReader.ReadColumn));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, MetricColumn value, JsonSerializerOptions options) =>
        ResultsJsonWriter.WriteColumn(writer, value);
}

internal static class ResultsJsonConversion
{
    /// <summary>Runs a reader, turning its <see cref="ResultsFormatException"/> into the serializer's JsonException (the serializer adds where in the outer document).</summary>
    public static T Read<T>(JsonElement element, Func<JsonElement, T> read)
    {
        try
        {
            return read(element);
        }
        catch (ResultsFormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}
