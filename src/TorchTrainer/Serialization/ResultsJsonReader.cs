using System.Reflection;
using System.Text.Json;

namespace TorchTrainer;

/// <summary>
/// Reads results.json: schema 4, and the files of TorchTrainer v3.x (no <c>schema_version</c>; only
/// <c>loss_history</c>, optional <c>val_loss_history</c> and <c>training_time_s</c>).
/// Every problem is reported as a <see cref="ResultsFormatException"/> naming what is wrong and where;
/// nothing else (JsonException, InvalidCastException, NullReferenceException…) escapes.
/// </summary>
/// <remarks>
/// The table is the source of truth: the derived keys of schema 4 (<c>final_loss</c>, <c>final_val_loss</c>,
/// <c>perplexity</c>, <c>best_epoch</c>, <c>loss_history</c>, <c>val_loss_history</c>, <c>deprecated_keys</c>)
/// are recomputed from it and not read; unknown keys are ignored, so a minor addition to the schema
/// does not break this reader. Required in schema 4: <c>schema_version</c> and <c>metrics_summary</c>
/// with <c>columns</c> and <c>rows</c>; <c>training_time_s</c> (default 0) and <c>best_checkpoint</c>
/// (default null) may be missing or null.
/// </remarks>
internal static partial class ResultsJsonReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    public static TrainingResults Read(string json, string? filePath)
    {
        ArgumentNullException.ThrowIfNull(json);
        var text = json.Length > 0 && json[0] == '\uFEFF' ? json[1..] : json; // a BOM left by a text API
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Error("the text is empty; a results file is a JSON object (was the file truncated to nothing?)", null, filePath);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line
                ? $"line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}"
                : "an unknown position";
            throw Error($"the text is not valid JSON at {where} (is the file truncated or corrupted?): {WithoutPosition(ex.Message)}", null, filePath, ex);
        }
        catch (ArgumentException ex)
        {
            // Parse transcodes the string to UTF-8 first, which an unpaired surrogate character cannot survive.
            throw Error("the text holds a lone UTF-16 surrogate character (half of a pair), so it is not valid Unicode text", null, filePath, ex);
        }

        using (document)
        {
            return new Reader(filePath).ReadRoot(document.RootElement);
        }
    }

    /// <summary>Reads a results object that a JSON serializer has already parsed (the <c>[JsonConverter]</c> path).</summary>
    public static TrainingResults Read(JsonElement root) => new Reader(null).ReadRoot(root);

    /// <summary>Reads a <c>metrics_summary</c> object (<c>columns</c> and <c>rows</c>).</summary>
    public static MetricsSummary ReadMetricsSummary(JsonElement element) => new Reader(null).ReadTable(element, "$");

    /// <summary>Reads one epoch written as an object of column → value.</summary>
    public static MetricsSummary ReadRow(JsonElement element) => new Reader(null).ReadRowObject(element, "$");

    /// <summary>Reads a column written as an array of numbers (null = NaN, "Infinity", "-Infinity").</summary>
    public static double[] ReadColumn(JsonElement element) => new Reader(null).ReadNumberList(element, "$");

    private static ResultsFormatException Error(string what, string? jsonPath, string? filePath, Exception? inner = null)
    {
        var source = filePath is null ? "Cannot read results JSON" : $"Cannot read results file '{filePath}'";
        var at = jsonPath is null ? "" : $" at {jsonPath}";
        return new ResultsFormatException($"{source}{at}: {what}", jsonPath, filePath, inner);
    }

    /// <summary>STJ appends "Path: … | LineNumber: 0 | BytePositionInLine: 30." (0-based); the message already says where, 1-based.</summary>
    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal) is >= 0 and var p ? p : message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Shorten(e.GetRawText())}",
        JsonValueKind.Number => $"the number {Shorten(e.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString(),
    };

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..37] + "...";

    private static string VersionOfThisLibrary() =>
        typeof(ResultsJsonReader).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ResultsJsonReader).Assembly.GetName().Version?.ToString(3)
        ?? "4.x";

    private readonly partial struct Reader(string? filePath)
    {
        public TrainingResults ReadRoot(JsonElement root)
        {
            var top = Properties(root, "$", "a results file is a JSON object");
            if (top.TryGetValue(ResultsSchema.SchemaVersion, out var version))
            {
                var major = ReadMajorVersion(version);
                if (major > ResultsSchema.CurrentVersion)
                {
                    throw Error(
                        $"it has schema_version {Raw(version)}, a newer major schema than this TorchTrainer ({VersionOfThisLibrary()}) reads " +
                        $"(schema {ResultsSchema.CurrentVersion} and v3 files). Upgrade the TorchTrainer package to a version that supports schema {major}.",
                        "$.schema_version");
                }

                return major == ResultsSchema.CurrentVersion ? ReadSchema4(top) : ReadV3(top);
            }

            if (top.ContainsKey(ResultKeys.LossHistory))
            {
                return ReadV3(top);
            }

            throw top.ContainsKey(ResultKeys.MetricsSummary)
                ? Error("the key 'schema_version' is missing (schema 4 files start with \"schema_version\": 4)", "$")
                : Error("this is not a TorchTrainer results file: it has neither 'schema_version' (schema 4) nor 'loss_history' (v3)", "$");
        }

        private int ReadMajorVersion(JsonElement version)
        {
            // The major version is the integer part; a fractional part would be a compatible minor revision.
            if (version.ValueKind != JsonValueKind.Number || !version.TryGetDouble(out var v) || !double.IsFinite(v) || v < 1)
            {
                throw Error($"'schema_version' must be a positive number such as {ResultsSchema.CurrentVersion}, but it is {Describe(version)}", "$.schema_version");
            }

            return v >= int.MaxValue ? int.MaxValue : (int)Math.Floor(v);
        }

        private TrainingResults ReadSchema4(Dictionary<string, JsonElement> top)
        {
            var metrics = ReadTable(Required(top, ResultKeys.MetricsSummary, "$"), "$." + ResultKeys.MetricsSummary);
            return new TrainingResults(metrics, ReadTrainingTime(top), ReadCheckpoint(top));
        }

        public MetricsSummary ReadTable(JsonElement element, string at)
        {
            var summary = Properties(element, at, "'metrics_summary' is an object with 'columns' and 'rows'");
            var names = ReadColumnNames(Required(summary, ResultsSchema.Columns, at), $"{at}.{ResultsSchema.Columns}");
            var rows = Required(summary, ResultsSchema.Rows, at);
            var rowsAt = $"{at}.{ResultsSchema.Rows}";
            if (rows.ValueKind != JsonValueKind.Array)
            {
                throw Error($"'rows' must be an array with one array of {names.Length} values per epoch, but it is {Describe(rows)}", rowsAt);
            }

            var rowCount = rows.GetArrayLength();
            var columns = new double[names.Length][];
            for (var c = 0; c < names.Length; c++)
            {
                columns[c] = new double[rowCount];
            }

            var r = 0;
            foreach (var row in rows.EnumerateArray())
            {
                var rowAt = $"{rowsAt}[{r}]";
                if (row.ValueKind != JsonValueKind.Array)
                {
                    throw Error($"each row must be an array of {names.Length} values ({Join(names)}), but this one is {Describe(row)}", rowAt);
                }

                var width = row.GetArrayLength();
                if (width != names.Length)
                {
                    throw Error($"the row has {width} value{(width == 1 ? "" : "s")} but there {(names.Length == 1 ? "is 1 column" : $"are {names.Length} columns")} ({Join(names)})", rowAt);
                }

                var c = 0;
                foreach (var cell in row.EnumerateArray())
                {
                    columns[c][r] = ReadNumber(cell, $"{rowAt}[{c}]", $"column '{names[c]}'");
                    c++;
                }

                r++;
            }

            return new MetricsSummary(names, columns, rowCount);
        }

        public MetricsSummary ReadRowObject(JsonElement element, string at)
        {
            var cells = Properties(element, at, "an epoch is an object of column name and value, such as {\"epoch\": 1, \"train/loss\": 2.91}");
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, cell) in cells)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw Error("a column name is empty; name every column", at);
                }

                row[name] = ReadNumber(cell, $"{at}['{name}']", $"column '{name}'");
            }

            return MetricsSummary.FromRows([row]);
        }

        private TrainingResults ReadV3(Dictionary<string, JsonElement> top)
        {
            // v3 wrote one value per epoch in loss_history and, when it validated, in val_loss_history.
            // A val_loss_history shorter than loss_history (a run stopped between training and validating
            // an epoch, or one that skipped validation at the end) is aligned from the first epoch: value i
            // belongs to epoch i + 1 and the epochs after it have val/loss NaN. A longer one cannot come
            // from a v3 run and is refused. No or an empty val_loss_history means the run had no
            // validation data: the table then has no val/loss column.
            var loss = ReadNumberList(Required(top, ResultKeys.LossHistory, "$"), "$." + ResultKeys.LossHistory);
            var val = top.TryGetValue(ResultKeys.ValLossHistory, out var v) && v.ValueKind != JsonValueKind.Null
                ? ReadNumberList(v, "$." + ResultKeys.ValLossHistory)
                : [];
            if (val.Length > loss.Length)
            {
                throw Error(
                    $"'val_loss_history' has {val.Length} values but 'loss_history' only {loss.Length}; a v3 run validated at most once per trained epoch",
                    "$." + ResultKeys.ValLossHistory);
            }

            var epochs = Enumerable.Range(1, loss.Length).Select(e => (double)e).ToArray();
            string[] names;
            double[][] columns;
            if (val.Length == 0)
            {
                names = [StandardColumns.Epoch, StandardColumns.TrainLoss];
                columns = [epochs, loss];
            }
            else
            {
                var aligned = new double[loss.Length];
                Array.Fill(aligned, double.NaN);
                val.CopyTo(aligned, 0);
                names = [StandardColumns.Epoch, StandardColumns.TrainLoss, StandardColumns.ValLoss];
                columns = [epochs, loss, aligned];
            }

            var metrics = new MetricsSummary(names, columns, loss.Length);
            return new TrainingResults(metrics, ReadTrainingTime(top), ReadCheckpoint(top));
        }

        private string[] ReadColumnNames(JsonElement element, string at)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                throw Error($"'columns' must be an array of column names such as [\"epoch\", \"train/loss\"], but it is {Describe(element)}", at);
            }

            var names = new string[element.GetArrayLength()];
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var i = 0;
            foreach (var name in element.EnumerateArray())
            {
                var text = name.ValueKind == JsonValueKind.String ? Text(name, $"{at}[{i}]") : null;
                if (string.IsNullOrWhiteSpace(text))
                {
                    throw Error($"a column name must be a non-empty string, but this one is {Describe(name)}", $"{at}[{i}]");
                }

                if (!seen.TryAdd(text, i))
                {
                    throw Error($"the column '{text}' appears twice (at {seen[text]} and {i}); every column name must be unique", $"{at}[{i}]");
                }

                names[i++] = text;
            }

            return names;
        }

        private TimeSpan ReadTrainingTime(Dictionary<string, JsonElement> top)
        {
            const string at = "$." + ResultKeys.TrainingTimeSeconds;
            if (!top.TryGetValue(ResultKeys.TrainingTimeSeconds, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return TimeSpan.Zero;
            }

            // Ticks rounded: exact for every value ToJson wrote (TotalSeconds of a whole number of ticks).
            if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var seconds)
                && Math.Round(seconds * TimeSpan.TicksPerSecond) is var ticks && ticks >= 0 && ticks < long.MaxValue)
            {
                return TimeSpan.FromTicks((long)ticks);
            }

            throw Error($"'training_time_s' must be a number of seconds (0 or more), but it is {Describe(element)}", at);
        }

        private string? ReadCheckpoint(Dictionary<string, JsonElement> top)
        {
            if (!top.TryGetValue(ResultKeys.BestCheckpoint, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return element.ValueKind == JsonValueKind.String
                ? Text(element, "$." + ResultKeys.BestCheckpoint)
                : throw Error($"'best_checkpoint' must be a path string or null, but it is {Describe(element)}", "$." + ResultKeys.BestCheckpoint);
        }

        private ResultsFormatException Error(string what, string at, Exception? inner = null) => ResultsJsonReader.Error(what, at, filePath, inner);
    }
}
