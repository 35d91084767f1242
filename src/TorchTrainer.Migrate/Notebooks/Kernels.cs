using System.Text.RegularExpressions;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>Kernel names of Polyglot / .NET Interactive notebooks, and how lines of a cell are classified.</summary>
internal static partial class Kernels
{
    public const string CSharp = "csharp";

    /// <summary>
    /// The kernel a <c>#!name</c> selector switches to, or null when <paramref name="name"/> is a magic command. A
    /// kernel the notebook adds with <c>#!connect</c> (<paramref name="connected"/>, see <see cref="Connected"/>) is
    /// one too: its lines are SQL, KQL or another process's language, not this kernel's C#.
    /// </summary>
    public static string? FromSelector(string name, IReadOnlySet<string>? connected = null) => name.ToLowerInvariant() switch
    {
        "csharp" or "c#" => CSharp,
        "fsharp" or "f#" => "fsharp",
        "pwsh" or "powershell" => "pwsh",
        "javascript" or "js" => "javascript",
        "markdown" or "md" => "markdown",
        "html" or "sql" or "kql" or "mermaid" or "value" or "http" or "meta" or "python" or "r" => name.ToLowerInvariant(),
        _ when connected?.Contains(name) == true => name,
        _ => null,
    };

    /// <summary>
    /// The kernel names the <c>#!connect</c> lines of <paramref name="texts"/> (a notebook's cells) add:
    /// <c>#!connect mssql --kernel-name db</c> adds <c>#!sql-db</c>, <c>kql</c> adds <c>#!kql-db</c>, and
    /// <c>jupyter</c>, <c>stdio</c>, <c>signalr</c>, <c>named-pipe</c> add <c>#!db</c> (the kernel's own naming; each
    /// name is taken in both forms, as kernel versions differ).
    /// </summary>
    public static IReadOnlySet<string> Connected(IEnumerable<string> texts)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (Match match in ConnectLine().Matches(text))
            {
                var name = match.Groups["name"].Value.Trim('"');
                names.Add(name);
                names.Add($"sql-{name}");
                names.Add($"kql-{name}");
            }
        }

        return names;
    }

    [GeneratedRegex(@"^[ \t]*#!connect[ \t]+[\w-]+[^\n]*?[ \t]--kernel-name(?:[ \t]+|[=:])(?<name>""[^""\n]+""|[^\s""]+)", RegexOptions.Multiline)]
    private static partial Regex ConnectLine();

    /// <summary>A kernel name from notebook metadata ("csharp", "C#", ".net-csharp", "polyglot-notebook" …), normalised.</summary>
    public static string? FromMetadata(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var v = value.Trim().ToLowerInvariant();
        if (v.StartsWith(".net-", StringComparison.Ordinal))
        {
            v = v[5..];
        }

        return v switch
        {
            "csharp" or "c#" => CSharp,
            "fsharp" or "f#" => "fsharp",
            "pwsh" or "powershell" => "pwsh",
            "polyglot-notebook" => null,
            _ => FromSelector(v) ?? v,
        };
    }

    // The magic commands of the .NET Interactive kernels (#!lsmagic of Microsoft.dotnet-interactive 1.0.712001) and the
    // .dib file's own #!meta section header: they hold no C#, so they are masked without a word.
    private static readonly HashSet<string> KnownMagics = new(StringComparer.OrdinalIgnoreCase)
    {
        "about", "connect", "import", "lsmagic", "log", "set", "share", "time", "who", "whos", "meta", "!",
    };

    /// <summary>The <c>#!name</c> lines of <paramref name="text"/> that are neither a kernel selector nor a known magic.</summary>
    public static IEnumerable<(int Line, string Name)> UnknownMagics(string text, List<(int Start, int Length, LineKind Kind, string? Kernel)> lines,
        IReadOnlySet<string>? connected = null)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = text.AsSpan(lines[i].Start, lines[i].Length).Trim();
            if (line.StartsWith("#!") && MagicName(line) is { Length: > 0 } name && FromSelector(name, connected) is null && !KnownMagics.Contains(name))
            {
                yield return (i, "#!" + name);
            }
        }
    }

    private static string MagicName(ReadOnlySpan<char> line)
    {
        var nameEnd = line.IndexOfAny(' ', '\t');
        return (nameEnd < 0 ? line[2..] : line[2..nameEnd]).ToString();
    }

    /// <summary>The kind of one line of notebook code.</summary>
    internal enum LineKind
    {
        /// <summary>C# code, analysed.</summary>
        CSharp,

        /// <summary>A magic, a kernel selector, <c>#r</c> / <c>#load</c>, or another language: blanked while analysing, never changed.</summary>
        Masked,

        /// <summary>
        /// F# or PowerShell: blanked and never changed like <see cref="Masked"/>, but these kernels run on .NET and can
        /// read a TorchTrainer result too (a <c>#r</c> of their own, <c>#!share</c>), so their legacy names are named.
        /// </summary>
        OtherDotNet,
    }

    /// <summary>
    /// Classifies each line of <paramref name="text"/>: <c>#!kernel</c> selectors (and those of the
    /// <paramref name="connected"/> kernels) switch the language of the lines after them; magics (<c>#!...</c>) and <c>#r</c> / <c>#load</c> / <c>#i</c> lines are masked; only C# lines are analysed;
    /// F# and PowerShell lines are told apart (<see cref="LineKind.OtherDotNet"/>). Each line comes with its kernel.
    /// </summary>
    public static List<(int Start, int Length, LineKind Kind, string? Kernel)> Classify(string text, string? baseKernel, IReadOnlySet<string>? connected = null)
    {
        var result = new List<(int, int, LineKind, string?)>();
        var kernel = baseKernel;
        foreach (var (start, length, _) in Workspace.TextEdits.Lines(text))
        {
            var line = text.AsSpan(start, length).Trim();
            if (line.StartsWith("#!"))
            {
                if (FromSelector(MagicName(line), connected) is { } selected)
                {
                    kernel = selected;
                }

                result.Add((start, length, LineKind.Masked, kernel));
                continue;
            }

            var isDirective = line.StartsWith("#r ") || line.StartsWith("#r\"") || line.StartsWith("#r\t")
                || line.StartsWith("#load") || line.StartsWith("#i ") || line.StartsWith("#i\"");
            result.Add((start, length, isDirective ? LineKind.Masked : kernel switch
            {
                CSharp => LineKind.CSharp,
                "fsharp" or "pwsh" => LineKind.OtherDotNet,
                _ => LineKind.Masked,
            }, kernel));
        }

        return result;
    }
}
