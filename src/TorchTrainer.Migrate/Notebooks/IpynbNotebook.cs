using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>
/// A Jupyter <c>.ipynb</c> notebook. Read with System.Text.Json, but written back surgically: only the
/// <c>source</c> value of a changed cell is replaced in the original text, re-encoded with the notebook's own
/// indentation, line endings and escaping. Outputs, metadata, markdown and other cells stay byte-for-byte.
/// </summary>
internal sealed class IpynbNotebook : INotebook
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

    private sealed class Cell
    {
        public int Index { get; init; }
        public bool IsCode { get; init; }
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
        var cell = new Cell { Index = index, IsCode = cellType == "code" };
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

    private static JsonStyle DetectStyle(byte[] utf8, List<Cell> cells, string newLine)
    {
        var text = Encoding.UTF8.GetString(utf8);
        var escapeNonAscii = false;
        var upperHex = false;
        var escapedAscii = new HashSet<char>();
        for (var i = 0; i + 5 < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                continue;
            }

            if (text[i + 1] == 'u' && int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                if (code >= 0x80)
                {
                    escapeNonAscii = true;
                }
                else if (code >= 0x20)
                {
                    escapedAscii.Add((char)code);
                }

                upperHex |= text.AsSpan(i + 2, 4).ContainsAny("ABCDEF");
                i += 5;
            }
            else
            {
                if (text[i + 1] == '/')
                {
                    escapedAscii.Add('/');
                }

                i++;
            }
        }

        // Indentation of source strings, from the first array that shows it.
        string? elementIndent = null, closeIndent = null;
        foreach (var cell in cells.Where(c => c.SourceIsArray && c.Elements.Count > 0))
        {
            elementIndent = Encoding.UTF8.GetString(utf8, cell.SourceStart + 1, cell.Elements[0].Start - cell.SourceStart - 1);
            closeIndent = Encoding.UTF8.GetString(utf8, cell.Elements[^1].End, cell.SourceEnd - 1 - cell.Elements[^1].End);
            break;
        }

        return new JsonStyle(escapeNonAscii, escapedAscii, upperHex, newLine, elementIndent, closeIndent);
    }

    public string WithCells(IReadOnlyDictionary<int, string> newCellTexts)
    {
        var output = new MemoryStream(_utf8.Length + 256);
        var position = 0;
        foreach (var cell in _cells.Where(c => newCellTexts.ContainsKey(c.Index) && c.SourceStart >= 0).OrderBy(c => c.SourceStart))
        {
            output.Write(_utf8, position, cell.SourceStart - position);
            output.Write(Encoding.UTF8.GetBytes(EncodeSource(cell, newCellTexts[cell.Index])));
            position = cell.SourceEnd;
        }

        output.Write(_utf8, position, _utf8.Length - position);
        return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
    }

    private string EncodeSource(Cell cell, string text)
    {
        if (!cell.SourceIsArray)
        {
            return Quote(text);
        }

        var lines = SplitLines(text);
        if (lines.Count == 0)
        {
            return "[]";
        }

        string open, close, separator;
        if (cell.Elements.Count > 0)
        {
            open = Encoding.UTF8.GetString(_utf8, cell.SourceStart + 1, cell.Elements[0].Start - cell.SourceStart - 1);
            close = Encoding.UTF8.GetString(_utf8, cell.Elements[^1].End, cell.SourceEnd - 1 - cell.Elements[^1].End);
            separator = cell.Elements.Count > 1
                ? Encoding.UTF8.GetString(_utf8, cell.Elements[0].End, cell.Elements[1].Start - cell.Elements[0].End)
                : "," + open;
        }
        else
        {
            var indent = LineIndent(cell.SourceStart);
            open = _style.ElementIndent ?? _style.NewLine + indent + " ";
            close = _style.CloseIndent ?? _style.NewLine + indent;
            separator = "," + open;
        }

        return "[" + open + string.Join(separator, lines.Select(Quote)) + close + "]";
    }

    private string LineIndent(int offset)
    {
        var line = Array.BinarySearch(_lineStarts, offset);
        var start = _lineStarts[line >= 0 ? line : ~line - 1];
        var end = start;
        while (end < _utf8.Length && _utf8[end] is (byte)' ' or (byte)'\t')
        {
            end++;
        }

        return Encoding.UTF8.GetString(_utf8, start, end - start);
    }

    /// <summary>Jupyter's split: every line keeps its line break; the last one may have none.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    private string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || (c >= 0x80 && _style.EscapeNonAscii) || _style.EscapedAscii.Contains(c))
                    {
                        if (c == '/' && _style.EscapedAscii.Contains('/'))
                        {
                            builder.Append("\\/");
                        }
                        else
                        {
                            builder.Append("\\u").Append(((int)c).ToString(_style.UpperHex ? "X4" : "x4", CultureInfo.InvariantCulture));
                        }
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
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
