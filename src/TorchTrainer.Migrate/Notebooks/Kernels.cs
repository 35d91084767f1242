namespace TorchTrainer.Migrate.Notebooks;

/// <summary>Kernel names of Polyglot / .NET Interactive notebooks, and how lines of a cell are classified.</summary>
internal static class Kernels
{
    public const string CSharp = "csharp";

    /// <summary>The kernel a <c>#!name</c> selector switches to, or null when <paramref name="name"/> is a magic command.</summary>
    public static string? FromSelector(string name) => name.ToLowerInvariant() switch
    {
        "csharp" or "c#" => CSharp,
        "fsharp" or "f#" => "fsharp",
        "pwsh" or "powershell" => "pwsh",
        "javascript" or "js" => "javascript",
        "markdown" or "md" => "markdown",
        "html" or "sql" or "kql" or "mermaid" or "value" or "http" or "meta" or "python" or "r" => name.ToLowerInvariant(),
        _ => null,
    };

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
    public static IEnumerable<(int Line, string Name)> UnknownMagics(string text, List<(int Start, int Length, LineKind Kind, string? Kernel)> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = text.AsSpan(lines[i].Start, lines[i].Length).Trim();
            if (line.StartsWith("#!") && MagicName(line) is { Length: > 0 } name && FromSelector(name) is null && !KnownMagics.Contains(name))
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
    /// Classifies each line of <paramref name="text"/>: <c>#!kernel</c> selectors switch the language of the lines after
    /// them; magics (<c>#!...</c>) and <c>#r</c> / <c>#load</c> / <c>#i</c> lines are masked; only C# lines are analysed;
    /// F# and PowerShell lines are told apart (<see cref="LineKind.OtherDotNet"/>). Each line comes with its kernel.
    /// </summary>
    public static List<(int Start, int Length, LineKind Kind, string? Kernel)> Classify(string text, string? baseKernel)
    {
        var result = new List<(int, int, LineKind, string?)>();
        var kernel = baseKernel;
        foreach (var (start, length, _) in Workspace.TextEdits.Lines(text))
        {
            var line = text.AsSpan(start, length).Trim();
            if (line.StartsWith("#!"))
            {
                if (FromSelector(MagicName(line)) is { } selected)
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
