using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>One C#-bearing cell inside the combined script: its original text, its place, and what is masked.</summary>
internal sealed record ScriptPiece(int CellIndex, string OriginalText, int Offset, IReadOnlyList<TextSpan> Masked);

/// <summary>A <c>#!name</c> line the tool does not know (neither a kernel nor a .NET Interactive magic): cell and 0-based line.</summary>
internal sealed record UnknownMagic(int CellIndex, int Line, string Name);

/// <summary>A legacy name on an F# or PowerShell line, which the C# analyzers cannot see: cell, 0-based line, the name and the kernel.</summary>
internal sealed record OtherLanguageUse(int CellIndex, int Line, string Name, string Kernel);

/// <summary>
/// A <c>#load "path"</c> or <c>#!import path</c> line (the script or notebook it runs is not part of the analysed cells):
/// cell, 0-based line, the path as written, and the directive.
/// </summary>
internal sealed record LoadedScript(int CellIndex, int Line, string Path, string Directive);

/// <summary>
/// The C# of a notebook as ONE script: the C#-bearing cells in order, each with every non-C# line blanked (same
/// length, same line breaks), each followed by a line holding a single ';'. Positions inside a cell are the same in the script, so
/// diagnostics map back by offset and rewrites go back cell by cell.
/// </summary>
/// <remarks>
/// The kernel runs each cell as a script submission: a <c>using</c> or <c>#r</c> in any cell applies to the cells after
/// it. Joined into one compilation unit, a <c>using</c> after the first cell's statements would have no effect, so every
/// cell's using directives are also given as <see cref="HoistedUsings"/> (global usings of a second document), which
/// keeps every position of the script unchanged.
/// </remarks>
internal sealed partial class NotebookScript
{
    private NotebookScript(string text, IReadOnlyList<ScriptPiece> pieces, IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> sources,
        IReadOnlyList<string> files, IReadOnlyList<string> usings, IReadOnlyList<UnknownMagic> unknownMagics, IReadOnlyList<OtherLanguageUse> otherLanguageUses,
        IReadOnlyList<LoadedScript> loadedScripts)
    {
        OtherLanguageUses = otherLanguageUses;
        LoadedScripts = loadedScripts;
        Text = text;
        Pieces = pieces;
        NuGetReferences = packages;
        NuGetSources = sources;
        FileReferences = files;
        HoistedUsings = usings;
        UnknownMagics = unknownMagics;
    }

    public string Text { get; }
    public IReadOnlyList<ScriptPiece> Pieces { get; }

    /// <summary>Packages named by <c>#r "nuget: Id, Version"</c> in C# sections (the version as written, or null).</summary>
    public IReadOnlyList<PackageRequest> NuGetReferences { get; }

    /// <summary>Package sources named by <c>#i "nuget: SOURCE"</c> in C# sections, as written.</summary>
    public IReadOnlyList<string> NuGetSources { get; }

    /// <summary>Assemblies named by <c>#r "path.dll"</c>.</summary>
    public IReadOnlyList<string> FileReferences { get; }

    /// <summary>Every cell's using directives as <c>global using</c> directives, in cell order, without duplicates.</summary>
    public IReadOnlyList<string> HoistedUsings { get; }

    /// <summary>Magic command lines the tool does not know; their cells' C# is analysed, the lines themselves are not.</summary>
    public IReadOnlyList<UnknownMagic> UnknownMagics { get; }

    /// <summary>Legacy names on F# and PowerShell lines: not analysed (the analyzers and fixes are C#).</summary>
    public IReadOnlyList<OtherLanguageUse> OtherLanguageUses { get; }

    /// <summary>The <c>#load</c> and <c>#!import</c> lines of every cell, in order.</summary>
    public IReadOnlyList<LoadedScript> LoadedScripts { get; }

    public static NotebookScript Build(IEnumerable<(int CellIndex, string Text, string? BaseKernel)> cells)
    {
        var builder = new StringBuilder();
        var pieces = new List<ScriptPiece>();
        var packages = new List<PackageRequest>();
        var sources = new List<string>();
        var files = new List<string>();
        var usings = new List<string>();
        var unknownMagics = new List<UnknownMagic>();
        var otherLanguageUses = new List<OtherLanguageUse>();
        var loadedScripts = new List<LoadedScript>();
        var all = cells.ToList();
        var connected = Kernels.Connected(all.Select(c => c.Text));
        foreach (var (cellIndex, text, baseKernel) in all)
        {
            var lines = Kernels.Classify(text, baseKernel, connected);
            unknownMagics.AddRange(Kernels.UnknownMagics(text, lines, connected).Select(m => new UnknownMagic(cellIndex, m.Line, m.Name)));
            otherLanguageUses.AddRange(OtherLanguage(cellIndex, text, lines));
            loadedScripts.AddRange(lines.Select((l, index) => (Match: LoadDirective().Match(text.Substring(l.Start, l.Length)), index))
                .Where(l => l.Match.Success).Select(l => new LoadedScript(cellIndex, l.index, l.Match.Groups["path"].Value, l.Match.Groups["directive"].Value)));
            // The C# kernel's #r / #i lines apply to the cells after them, also in a cell of their own (a notebook's usual
            // first cell); another kernel's (an F# cell's #r) do not.
            foreach (var (start, length, kind, kernel) in lines)
            {
                if (kind == Kernels.LineKind.Masked && kernel == Kernels.CSharp)
                {
                    CollectDirective(text.Substring(start, length), packages, sources, files);
                }
            }

            if (!lines.Any(l => l.Kind == Kernels.LineKind.CSharp && !string.IsNullOrWhiteSpace(text.Substring(l.Start, l.Length))))
            {
                continue;
            }

            var chars = text.ToCharArray();
            var masked = new List<TextSpan>();
            foreach (var (start, length, kind, _) in lines)
            {
                if (kind != Kernels.LineKind.CSharp && length > 0)
                {
                    var span = new TextSpan(start, length);
                    masked.Add(span);
                    TextEdits.Blank(chars, span);
                }
            }

            // A #! line starts a new submission (a .dib section, a cell's kernel selector): its usings come first again.
            var boundaries = masked.Where(m => text.AsSpan(m.Start, m.Length).TrimStart().StartsWith("#!")).ToList();
            var code = new string(chars);
            var segmentStart = 0;
            foreach (var end in boundaries.Select(b => b.Start).Append(code.Length))
            {
                usings.AddRange(UsingDirectives(code[segmentStart..end]).Where(u => !usings.Contains(u, StringComparer.Ordinal)));
                segmentStart = end;
            }

            // Joined, a submission ending in a display expression (no semicolon) would run into the next one's first
            // statement and hide it from the analyzers: a ';' ends it, on the blanked #! line and between cells.
            foreach (var boundary in boundaries)
            {
                chars[text.Length - text[boundary.Start..].TrimStart().Length] = ';';
            }

            pieces.Add(new ScriptPiece(cellIndex, text, builder.Length, masked));
            builder.Append(chars).Append("\n;\n");
        }

        return new NotebookScript(builder.ToString(), pieces, packages, sources.Distinct(StringComparer.Ordinal).ToList(), files, usings, unknownMagics,
            otherLanguageUses, loadedScripts);
    }

    /// <summary>The legacy names on a cell's F# and PowerShell lines, with the kernel each line belongs to.</summary>
    private static IEnumerable<OtherLanguageUse> OtherLanguage(int cellIndex, string text, List<(int Start, int Length, Kernels.LineKind Kind, string? Kernel)> lines) =>
        lines.Select((line, index) => (line, index))
            .Where(l => l.line.Kind == Kernels.LineKind.OtherDotNet)
            .SelectMany(l => Units.LegacyNames.Pattern.Matches(text.Substring(l.line.Start, l.line.Length))
                .Select(m => new OtherLanguageUse(cellIndex, l.index, m.Value, l.line.Kernel!)));

    /// <summary>The using directives of a C# file a notebook imports, each as a global using (they apply to the cells after it).</summary>
    public static IEnumerable<string> GlobalUsings(string fileText) => UsingDirectives(fileText);

    /// <summary>A cell's using directives (a submission's usings come first, as in a script), each as a global using.</summary>
    private static IEnumerable<string> UsingDirectives(string cellCode)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(cellCode, new CSharpParseOptions(LanguageVersion.Preview, kind: SourceCodeKind.Script)).GetRoot();
        return root.Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None) && !u.ContainsDiagnostics)
            .Select(u => "global " + u.WithoutTrivia().ToString());
    }

    private static void CollectDirective(string line, List<PackageRequest> packages, List<string> sources, List<string> files)
    {
        var match = Directive().Match(line);
        if (!match.Success)
        {
            return;
        }

        var value = match.Groups[2].Value.Trim();
        var isNuGet = value.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase);
        var body = isNuGet ? value["nuget:".Length..].Trim() : value;
        if (match.Groups[1].Value == "i")
        {
            // #i "nuget: SOURCE" adds a package source; #i "path" (an include path for #load) is not about packages.
            if (isNuGet && body.Length > 0)
            {
                sources.Add(body);
            }
        }
        else if (isNuGet)
        {
            var parts = body.Split(',', 2, StringSplitOptions.TrimEntries);
            packages.Add(new PackageRequest(parts[0], parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null));
        }
        else
        {
            files.Add(value);
        }
    }

    [GeneratedRegex("^\\s*#(r|i)\\s*\"([^\"]+)\"")]
    private static partial Regex Directive();

    [GeneratedRegex("^\\s*(?<directive>#load|#!import)\\s*(\"(?<path>[^\"]+)\"|(?<path>\\S+))")]
    private static partial Regex LoadDirective();

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
