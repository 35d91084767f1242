using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>A <c>#r "nuget: Id, Version"</c> of a notebook; <see cref="Version"/> is null when the notebook gave none.</summary>
internal sealed record NuGetReference(string Id, string? Version, int Cell);

/// <summary>
/// The kernel-only lines of one C# section, taken out of its code: <c>#r</c> / <c>#i</c> / <c>#load</c> directives and
/// <c>#!</c> magics. What is left is C#, where each removed line became an empty line or a comment.
/// </summary>
internal sealed partial class KernelDirectives(string notebookFolder)
{
    public List<NuGetReference> Packages { get; } = [];

    /// <summary>The C# files the notebook imports (<c>#!import file.cs</c>), full paths: the app includes them (<c>#:include</c>).</summary>
    public List<(string Path, int Cell, string Line)> Includes { get; } = [];
    public List<string> Sources { get; } = [];

    /// <summary>What cannot become part of a file-based app, with the reason ("cell 3: #r \"lib.dll\": …").</summary>
    public List<string> NotConvertible { get; } = [];

    /// <summary>Magics left in the app as comments ("cell 2: #!who").</summary>
    public List<string> UnknownMagics { get; } = [];

    /// <summary>
    /// Takes the directives out of <paramref name="code"/> (a C# section of cell <paramref name="cell"/>). Returns the
    /// remaining C# and whether the section asked for <c>#!time</c>.
    /// </summary>
    public (string Code, bool Timed) Extract(string code, int cell)
    {
        var timed = false;
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                var parts = trimmed.Split([' ', '\t'], 2, StringSplitOptions.TrimEntries);
                var name = parts[0];
                if (name == "#!time")
                {
                    timed = true;
                    lines[i] = "";
                }
                else if (name == "#!import" && parts.Length > 1)
                {
                    var imported = Path.GetFullPath(Path.Combine(notebookFolder, parts[1].Trim('"')));
                    if (ImportProblem(imported) is { } reason)
                    {
                        NotConvertible.Add($"cell {cell}: {trimmed}: {reason}");
                        lines[i] = $"// NOT CONVERTED: {trimmed}    ({reason})";
                    }
                    else
                    {
                        Includes.Add((imported, cell, trimmed));
                        lines[i] = "";
                    }
                }
                else
                {
                    UnknownMagics.Add($"cell {cell}: {trimmed}");
                    lines[i] = $"// {trimmed}    (a notebook magic command; a file-based app has no equivalent)";
                }

                continue;
            }

            if (Directive().Match(trimmed) is not { Success: true } match)
            {
                continue;
            }

            var (kind, value) = (match.Groups["kind"].Value, match.Groups["value"].Value.Trim());
            lines[i] = "";
            if (kind == "r" && value.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            {
                var parts = value["nuget:".Length..].Split(',', 2, StringSplitOptions.TrimEntries);
                var version = parts.Length > 1 ? string.Concat(parts[1].Where(c => !char.IsWhiteSpace(c))) : "";
                Packages.Add(new NuGetReference(parts[0], version.Length > 0 ? version : null, cell));
            }
            else if (kind == "i" && value.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            {
                Sources.Add(value["nuget:".Length..].Trim());
            }
            else
            {
                var reason = kind switch
                {
                    "r" => "a file-based app cannot reference an assembly file (the SDK has #:package and #:project, no assembly reference); publish it as a package or reference its project with #:project",
                    "load" => "a script's statements cannot be a second file of an app; paste them into the app, or move its types into a .cs file and include it with #:include",
                    _ => "a file-based app has no equivalent",
                };
                NotConvertible.Add($"cell {cell}: {trimmed}: {reason}");
                lines[i] = $"// NOT CONVERTED: {trimmed}    ({reason})";
            }
        }

        return (string.Join('\n', lines), timed);
    }

    /// <summary>
    /// Why <c>#!import</c> of <paramref name="path"/> cannot become <c>#:include</c>, or null: the kernel runs an
    /// imported file as a submission, an app compiles an included one as a file of its own, which may declare types but
    /// not run statements (only the app's file has top-level statements).
    /// </summary>
    private static string? ImportProblem(string path)
    {
        if (!Path.GetExtension(path).Equals(".cs", StringComparison.OrdinalIgnoreCase))
        {
            return "an imported notebook or script runs its cells; a file-based app includes C# files only (#:include): convert it too and paste what this notebook needs into the app";
        }

        Output.TextFile file;
        try
        {
            file = Output.TextFile.Read(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"cannot be read: {ex.Message}";
        }

        var root = CSharpSyntaxTree.ParseText(file.Text).GetCompilationUnitRoot();
        if (root.Members.Any(m => m is GlobalStatementSyntax))
        {
            return "the file runs statements, which a file the app includes cannot (only the app's own file has top-level statements): paste them into the app";
        }

        return root.Usings.Any(u => u.Name?.ToString().StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal) == true)
            ? "the file uses the kernel's API (Microsoft.DotNet.Interactive), which a file-based app does not have: rewrite those parts, then include it with #:include"
            : null;
    }

    [GeneratedRegex("^#(?<kind>r|i|load)\\s*\"(?<value>[^\"]*)\"")]
    private static partial Regex Directive();
}
