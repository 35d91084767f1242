using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>Applies Roslyn text changes to an original text, keeping protected spans (masked directives) byte-for-byte.</summary>
internal static class TextEdits
{
    /// <summary>
    /// Applies <paramref name="changes"/> (spans in <paramref name="original"/>) with their line endings rewritten to
    /// <paramref name="newLine"/>. A change that touches a protected span is not applied and is counted in Rejected.
    /// </summary>
    public static (string Text, int Rejected) Apply(string original, IEnumerable<TextChange> changes, IReadOnlyList<TextSpan> protectedSpans, string newLine)
    {
        var builder = new StringBuilder(original.Length + 64);
        var position = 0;
        var rejected = 0;
        foreach (var change in changes.OrderBy(c => c.Span.Start))
        {
            if (change.Span.Start < position || protectedSpans.Any(p => p.OverlapsWith(change.Span) || (change.Span.IsEmpty && p.Contains(change.Span.Start) && p.Start != change.Span.Start)))
            {
                rejected++;
                continue;
            }

            builder.Append(original, position, change.Span.Start - position);
            builder.Append(Output.TextFile.NormalizeNewLines(change.NewText ?? string.Empty, newLine));
            position = change.Span.End;
        }

        builder.Append(original, position, original.Length - position);
        return (builder.ToString(), rejected);
    }

    /// <summary>
    /// The changes from <paramref name="oldText"/> to <paramref name="newText"/>: Roslyn's own when it tracked them,
    /// else a line diff (so untouched lines, and their line endings, stay as they were).
    /// </summary>
    public static IReadOnlyList<TextChange> Changes(SourceText oldText, SourceText newText)
    {
        var changes = newText.GetTextChanges(oldText);
        if (!(changes.Count == 1 && changes[0].Span.Length == oldText.Length && oldText.Length > 0))
        {
            return changes;
        }

        var diff = DiffPlex.Differ.Instance.CreateDiffs(oldText.ToString(), newText.ToString(), ignoreWhiteSpace: false, ignoreCase: false,
            new DiffPlex.Chunkers.LineEndingsPreservingChunker());
        var offsets = new int[diff.PiecesOld.Count + 1];
        for (var i = 0; i < diff.PiecesOld.Count; i++)
        {
            offsets[i + 1] = offsets[i] + diff.PiecesOld[i].Length;
        }

        var result = new List<TextChange>();
        foreach (var block in diff.DiffBlocks)
        {
            var start = offsets[block.DeleteStartA];
            var end = offsets[block.DeleteStartA + block.DeleteCountA];
            var inserted = string.Concat(diff.PiecesNew.Skip(block.InsertStartB).Take(block.InsertCountB));
            result.Add(new TextChange(TextSpan.FromBounds(start, end), inserted));
        }

        return result;
    }

    /// <summary>Replaces every character of <paramref name="span"/> but line breaks with a space (same length, same lines).</summary>
    public static void Blank(char[] text, TextSpan span)
    {
        for (var i = span.Start; i < span.End; i++)
        {
            if (text[i] is not ('\r' or '\n'))
            {
                text[i] = ' ';
            }
        }
    }

    /// <summary>The lines of <paramref name="text"/>: start, length without the line break, and length with it.</summary>
    public static IEnumerable<(int Start, int Length, int FullLength)> Lines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = start;
            while (end < text.Length && text[end] is not ('\r' or '\n'))
            {
                end++;
            }

            var full = end;
            if (full < text.Length && text[full] == '\r')
            {
                full++;
            }

            if (full < text.Length && text[full] == '\n')
            {
                full++;
            }

            yield return (start, end - start, full - start);
            start = full;
        }
    }

    /// <summary>0-based line and column of <paramref name="offset"/> in <paramref name="text"/>.</summary>
    public static (int Line, int Column) LineColumn(string text, int offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart);
    }
}
