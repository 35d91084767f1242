using System.Text.RegularExpressions;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>A <c>#r "nuget: Id, Version"</c> of a notebook; <see cref="Version"/> is null when the notebook gave none.</summary>
internal sealed record NuGetReference(string Id, string? Version, int Cell);

/// <summary>
/// The kernel-only lines of one C# section, taken out of its code: <c>#r</c> / <c>#i</c> / <c>#load</c> directives and
/// <c>#!</c> magics. What is left is C#, where each removed line became an empty line or a comment.
/// </summary>
internal sealed partial class KernelDirectives
{
    public List<NuGetReference> Packages { get; } = [];
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
                var name = trimmed.Split([' ', '\t'], 2)[0];
                if (name == "#!time")
                {
                    timed = true;
                    lines[i] = "";
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
                    "load" => "a file-based app is one file; paste the script's code into the app or move it into a project referenced with #:project",
                    _ => "a file-based app has no equivalent",
                };
                NotConvertible.Add($"cell {cell}: {trimmed}: {reason}");
                lines[i] = $"// NOT CONVERTED: {trimmed}    ({reason})";
            }
        }

        return (string.Join('\n', lines), timed);
    }

    [GeneratedRegex("^#(?<kind>r|i|load)\\s*\"(?<value>[^\"]*)\"")]
    private static partial Regex Directive();
}
