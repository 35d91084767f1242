using System.Globalization;
using System.Text;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>
/// Writing a notebook back: only the <c>source</c> of a changed cell is replaced in the original bytes, encoded in the
/// notebook's own style (escaping, hex case, indentation, line endings) as detected when it was read.
/// </summary>
internal sealed partial class IpynbNotebook
{
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
}
