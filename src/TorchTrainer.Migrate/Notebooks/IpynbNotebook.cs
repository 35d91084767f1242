using System.Text;
using System.Text.Json;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>
/// A Jupyter <c>.ipynb</c> notebook. Read with System.Text.Json, but written back surgically: only the
/// <c>source</c> value of a changed cell is replaced in the original text, re-encoded with the notebook's own
/// indentation, line endings and escaping. Outputs, metadata, markdown and other cells stay byte-for-byte.
/// </summary>
internal sealed partial class IpynbNotebook : INotebook
{
    /// <summary>
    /// How deep the JSON may nest. System.Text.Json stops at 64 by default, which real notebooks (widget state, nested
    /// outputs) can exceed; Python's json module, which Jupyter reads with, stops near its recursion limit of 1,000.
    /// </summary>
    public const int MaxDepth = 1000;

    private const string LoneSurrogate = "a JSON string holds a lone UTF-16 surrogate escape such as \"\\ud800\", which is not Unicode text";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };
    private readonly byte[] _utf8;
    private readonly List<Cell> _cells;
    private readonly int[] _lineStarts;
    private readonly JsonStyle _style;

    private IpynbNotebook(TextFile file, byte[] utf8, List<Cell> cells, string? defaultKernel, JsonStyle style)
    {
        File = file;
        _utf8 = utf8;
        _cells = cells;
        DefaultKernel = defaultKernel;
        _style = style;
        var starts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
        Script = NotebookScript.Build(cells.Where(c => c.IsCode).Select(c => (c.Index, c.Text, c.Kernel ?? defaultKernel)));
    }

    public TextFile File { get; }
    public NotebookScript Script { get; }
    public string? DefaultKernel { get; }

    /// <summary>Every cell in order: its 0-based index, <c>cell_type</c> ("code", "markdown", "raw"), source and kernel from its metadata.</summary>
    public IEnumerable<(int Index, string CellType, string Text, string? Kernel)> Cells =>
        _cells.Select(c => (c.Index, c.CellType, c.Text, c.Kernel));

    private sealed class Cell
    {
        public int Index { get; init; }
        public bool IsCode { get; init; }
        public string CellType { get; init; } = "";
        public string Text { get; set; } = "";
        public string? Kernel { get; set; }
        public int SourceStart { get; set; } = -1;
        public int SourceEnd { get; set; } = -1;
        public bool SourceIsArray { get; set; }
        public List<(int Start, int End)> Elements { get; } = [];
    }

    private sealed record JsonStyle(bool EscapeNonAscii, HashSet<char> EscapedAscii, bool UpperHex, string NewLine, string? ElementIndent, string? CloseIndent);

    public static IpynbNotebook Parse(TextFile file)
    {
        if (file.Encoding is not UTF8Encoding)
        {
            throw new NotebookFormatException("not a UTF-8 notebook; .ipynb files are UTF-8 JSON");
        }

        var utf8 = Encoding.UTF8.GetBytes(file.Text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new NotebookFormatException(ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"the notebook's JSON nests deeper than {MaxDepth} levels ({ex.Message}); Jupyter cannot read it either"
                : $"malformed notebook JSON: {ex.Message}");
        }

        try
        {
            return Parse(file, utf8, document);
        }
        catch (InvalidOperationException ex)
        {
            throw new NotebookFormatException($"the notebook's metadata: {LoneSurrogate} ({ex.Message}); replace it with the character meant, then migrate again");
        }
    }

    private static IpynbNotebook Parse(TextFile file, byte[] utf8, JsonDocument document)
    {
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cells", out var cellsElement) || cellsElement.ValueKind != JsonValueKind.Array)
            {
                throw new NotebookFormatException(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("worksheets", out _)
                    ? "nbformat 3 notebooks (with 'worksheets') are not supported; save it as nbformat 4"
                    : "not a Jupyter notebook: no 'cells' array at the top level");
            }

            var cells = new List<Cell>();
            var index = 0;
            foreach (var cellElement in cellsElement.EnumerateArray())
            {
                try
                {
                    cells.Add(ReadCell(cellElement, index));
                }
                catch (InvalidOperationException ex)
                {
                    // System.Text.Json refuses to decode a lone UTF-16 surrogate escape: valid JSON, but not Unicode text.
                    throw new NotebookFormatException($"cell {index + 1}: {LoneSurrogate} ({ex.Message}); replace it with the character meant, then migrate again");
                }

                index++;
            }

            LocateSources(utf8, cells);
            return new IpynbNotebook(file, utf8, cells, NotebookDefaultKernel(root), DetectStyle(utf8, cells, file.NewLine));
        }
    }

    private static Cell ReadCell(JsonElement cellElement, int index)
    {
        if (cellElement.ValueKind != JsonValueKind.Object)
        {
            throw new NotebookFormatException($"cell {index + 1} is not a JSON object");
        }

        var cellType = cellElement.TryGetProperty("cell_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var cell = new Cell { Index = index, IsCode = cellType == "code", CellType = cellType ?? "" };
        if (cellElement.TryGetProperty("source", out var source))
        {
            cell.Text = source.ValueKind switch
            {
                JsonValueKind.String => source.GetString()!,
                JsonValueKind.Array when source.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                    string.Concat(source.EnumerateArray().Select(e => e.GetString())),
                _ => throw new NotebookFormatException($"cell {index + 1}: 'source' is neither a string nor an array of strings"),
            };
        }

        if (cellElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
        {
            cell.Kernel = Kernels.FromMetadata(
                StringAt(metadata, "polyglot_notebook", "kernelName") ?? StringAt(metadata, "dotnet_interactive", "language"));
        }

        return cell;
    }

    private static string? StringAt(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static string? NotebookDefaultKernel(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var candidates = new[]
        {
            StringAt(metadata, "polyglot_notebook", "kernelInfo", "defaultKernelName"),
            StringAt(metadata, "polyglot_notebook", "defaultKernelName"),
            StringAt(metadata, "dotnet_interactive", "defaultKernelName"),
            StringAt(metadata, "kernelspec", "language"),
            StringAt(metadata, "kernelspec", "name"),
            StringAt(metadata, "language_info", "name"),
        };
        return candidates.Select(Kernels.FromMetadata).FirstOrDefault(k => k is not null);
    }

    /// <summary>Finds the byte span of every cell's <c>source</c> value (and of each of its strings).</summary>
    private static void LocateSources(byte[] utf8, List<Cell> cells)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var inCells = false;
        var cellIndex = -1;
        while (reader.Read())
        {
            if (!inCells)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("cells"))
                {
                    reader.Read();
                    inCells = reader.TokenType == JsonTokenType.StartArray;
                }
                else if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    reader.Skip();
                }

                continue;
            }

            if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 1)
            {
                inCells = false;
            }
            else if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
            {
                cellIndex++;
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 3)
            {
                var isSource = reader.ValueTextEquals("source");
                reader.Read();
                if (!isSource)
                {
                    reader.Skip();
                    continue;
                }

                var cell = cells[cellIndex];
                cell.SourceStart = (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.String)
                {
                    cell.Elements.Add((cell.SourceStart, (int)reader.BytesConsumed));
                }
                else
                {
                    cell.SourceIsArray = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        cell.Elements.Add(((int)reader.TokenStartIndex, (int)reader.BytesConsumed));
                    }
                }

                cell.SourceEnd = (int)reader.BytesConsumed;
            }
        }
    }

    public (int FileLine, string Detail) Locate(int cellIndex, int lineInCell)
    {
        var cell = _cells[cellIndex];
        var offset = cell.SourceIsArray && lineInCell < cell.Elements.Count ? cell.Elements[lineInCell].Start : Math.Max(cell.SourceStart, 0);
        var line = Array.BinarySearch(_lineStarts, offset);
        var fileLine = (line >= 0 ? line : ~line - 1) + 1;
        return (fileLine, $"cell {cellIndex + 1}, line {lineInCell + 1}");
    }
}
