using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>One C#-bearing cell inside the combined script: its original text, its place, and what is masked.</summary>
internal sealed record ScriptPiece(int CellIndex, string OriginalText, int Offset, IReadOnlyList<TextSpan> Masked);

/// <summary>
/// The C# of a notebook as ONE script: the C#-bearing cells in order, each with every non-C# line blanked (same
/// length, same line breaks), separated by a line break. Positions inside a cell are the same in the script, so
/// diagnostics map back by offset and rewrites go back cell by cell.
/// </summary>
internal sealed partial class NotebookScript
{
    private NotebookScript(string text, IReadOnlyList<ScriptPiece> pieces, IReadOnlyList<(string Id, string? Version)> packages, IReadOnlyList<string> files)
    {
        Text = text;
        Pieces = pieces;
        NuGetReferences = packages;
        FileReferences = files;
    }

    public string Text { get; }
    public IReadOnlyList<ScriptPiece> Pieces { get; }

    /// <summary>Packages named by <c>#r "nuget: Id, Version"</c> in C# sections.</summary>
    public IReadOnlyList<(string Id, string? Version)> NuGetReferences { get; }

    /// <summary>Assemblies named by <c>#r "path.dll"</c>.</summary>
    public IReadOnlyList<string> FileReferences { get; }

    public static NotebookScript Build(IEnumerable<(int CellIndex, string Text, string? BaseKernel)> cells)
    {
        var builder = new StringBuilder();
        var pieces = new List<ScriptPiece>();
        var packages = new List<(string, string?)>();
        var files = new List<string>();
        foreach (var (cellIndex, text, baseKernel) in cells)
        {
            var lines = Kernels.Classify(text, baseKernel);
            if (!lines.Any(l => l.Kind == Kernels.LineKind.CSharp && !string.IsNullOrWhiteSpace(text.Substring(l.Start, l.Length))))
            {
                continue;
            }

            var chars = text.ToCharArray();
            var masked = new List<TextSpan>();
            foreach (var (start, length, kind) in lines)
            {
                if (kind == Kernels.LineKind.Masked && length > 0)
                {
                    var span = new TextSpan(start, length);
                    masked.Add(span);
                    TextEdits.Blank(chars, span);
                    CollectReference(text.Substring(start, length), packages, files);
                }
            }

            pieces.Add(new ScriptPiece(cellIndex, text, builder.Length, masked));
            builder.Append(chars).Append('\n');
        }

        return new NotebookScript(builder.ToString(), pieces, packages, files);
    }

    private static void CollectReference(string line, List<(string, string?)> packages, List<string> files)
    {
        var match = ReferenceDirective().Match(line);
        if (!match.Success)
        {
            return;
        }

        var value = match.Groups[1].Value.Trim();
        if (value.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
        {
            var parts = value["nuget:".Length..].Split(',', 2, StringSplitOptions.TrimEntries);
            packages.Add((parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null));
        }
        else
        {
            files.Add(value);
        }
    }

    [GeneratedRegex("^\\s*#r\\s+\"([^\"]+)\"")]
    private static partial Regex ReferenceDirective();

    /// <summary>The piece (cell) holding a script position, and the position inside that cell; null between cells.</summary>
    public (ScriptPiece Piece, int Offset)? Locate(int position)
    {
        foreach (var piece in Pieces)
        {
            if (position >= piece.Offset && position <= piece.Offset + piece.OriginalText.Length)
            {
                return (piece, position - piece.Offset);
            }
        }

        return null;
    }

    /// <summary>
    /// Maps the script's rewrites back to the cells. Returns each changed cell's new text; a change that crosses
    /// cells or touches a masked line is not applied and counted in Rejected.
    /// </summary>
    public (Dictionary<int, string> Cells, int Rejected) MapBack(SourceText analysed, SourceText fixedText, string defaultNewLine)
    {
        var perPiece = new Dictionary<ScriptPiece, List<TextChange>>();
        var rejected = 0;
        foreach (var change in TextEdits.Changes(analysed, fixedText))
        {
            var piece = Pieces.FirstOrDefault(p => change.Span.Start >= p.Offset && change.Span.End <= p.Offset + p.OriginalText.Length);
            if (piece is null)
            {
                rejected++;
                continue;
            }

            if (!perPiece.TryGetValue(piece, out var list))
            {
                perPiece[piece] = list = [];
            }

            list.Add(new TextChange(new TextSpan(change.Span.Start - piece.Offset, change.Span.Length), change.NewText ?? ""));
        }

        var cells = new Dictionary<int, string>();
        foreach (var (piece, changes) in perPiece)
        {
            var newLine = piece.OriginalText.Contains('\n') ? Output.TextFile.DetectNewLine(piece.OriginalText) : defaultNewLine;
            var (text, r) = TextEdits.Apply(piece.OriginalText, changes, piece.Masked, newLine);
            rejected += r;
            if (!string.Equals(text, piece.OriginalText, StringComparison.Ordinal))
            {
                cells[piece.CellIndex] = text;
            }
        }

        return (cells, rejected);
    }
}
