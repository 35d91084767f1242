using System.Text;
using DiffPlex;
using DiffPlex.Chunkers;

namespace TorchTrainer.Migrate.Output;

/// <summary>A unified diff (like <c>diff -u</c>) of two texts, by lines, with three lines of context.</summary>
internal static class UnifiedDiff
{
    public static string Create(string path, string oldText, string newText, int context = 3)
    {
        var diff = Differ.Instance.CreateDiffs(oldText, newText, ignoreWhiteSpace: false, ignoreCase: false, new LineEndingsPreservingChunker());
        var oldLines = diff.PiecesOld;
        var newLines = diff.PiecesNew;
        var builder = new StringBuilder();
        builder.Append("--- a/").Append(path).Append('\n');
        builder.Append("+++ b/").Append(path).Append('\n');

        var blocks = diff.DiffBlocks;
        var i = 0;
        while (i < blocks.Count)
        {
            // Merge blocks whose context windows touch into one hunk.
            var first = i;
            var last = i;
            while (last + 1 < blocks.Count && blocks[last + 1].DeleteStartA - (blocks[last].DeleteStartA + blocks[last].DeleteCountA) <= 2 * context)
            {
                last++;
            }

            var oldStart = Math.Max(0, blocks[first].DeleteStartA - context);
            var newStart = Math.Max(0, blocks[first].InsertStartB - context);
            var oldEnd = Math.Min(oldLines.Count, blocks[last].DeleteStartA + blocks[last].DeleteCountA + context);
            var newEnd = Math.Min(newLines.Count, blocks[last].InsertStartB + blocks[last].InsertCountB + context);
            builder.Append("@@ -").Append(Range(oldStart, oldEnd - oldStart)).Append(" +").Append(Range(newStart, newEnd - newStart)).Append(" @@\n");

            var a = oldStart;
            for (var b = first; b <= last; b++)
            {
                var block = blocks[b];
                for (; a < block.DeleteStartA; a++)
                {
                    Line(builder, ' ', oldLines[a]);
                }

                for (var d = 0; d < block.DeleteCountA; d++)
                {
                    Line(builder, '-', oldLines[block.DeleteStartA + d]);
                }

                for (var n = 0; n < block.InsertCountB; n++)
                {
                    Line(builder, '+', newLines[block.InsertStartB + n]);
                }

                a = block.DeleteStartA + block.DeleteCountA;
            }

            for (; a < oldEnd; a++)
            {
                Line(builder, ' ', oldLines[a]);
            }

            i = last + 1;
        }

        return builder.ToString();
    }

    private static string Range(int start, int count) => count == 1 ? $"{start + 1}" : $"{(count == 0 ? start : start + 1)},{count}";

    private static void Line(StringBuilder builder, char marker, string line)
    {
        builder.Append(marker);
        var trimmed = line.TrimEnd('\n').TrimEnd('\r');
        builder.Append(trimmed).Append('\n');
        if (!line.EndsWith('\n'))
        {
            builder.Append("\\ No newline at end of file\n");
        }
    }
}
