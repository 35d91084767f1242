using System.Text;
using TorchTrainer.Migrate.Notebooks;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>What converting one notebook produced: the app's text (null when it could not be converted) and what to tell the user.</summary>
internal sealed class ConversionResult
{
    public string? AppText { get; set; }

    /// <summary>Why the notebook could not be converted; nothing is written when there is any.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Parts the app holds as comments because a file-based app has no equivalent (the conversion is incomplete).</summary>
    public List<string> NotConvertible { get; } = [];

    /// <summary>Non-C# cells left out ("cell 4 (pwsh)").</summary>
    public List<string> LeftOut { get; } = [];

    /// <summary>Magics left in the app as comments.</summary>
    public List<string> UnknownMagics { get; } = [];

    /// <summary>How package versions were mapped ("Newtonsoft.Json: no version in the notebook; NuGet resolves * to 13.0.4").</summary>
    public List<string> Notes { get; } = [];

    public bool HasCSharp { get; set; }

    public string NotebookPath { get; init; } = "";

    /// <summary>Kernel API uses (Microsoft.DotNet.Interactive) left as comments ("cell 2: Formatter.Register…").</summary>
    public List<string> KernelOnly { get; } = [];

    /// <summary>Variables a later cell declared again, renamed ("t → t_2 (cell 7)").</summary>
    public List<string> Renamed { get; } = [];

    /// <summary>The app's packages with the versions its #:package directives carry.</summary>
    public List<(string Id, string Range)> Packages { get; } = [];

    /// <summary>The notebook's #i package sources, absolute.</summary>
    public List<string> Sources { get; } = [];
}

/// <summary>
/// Turns a C# notebook into the text of a file-based app: <c>#:package</c> directives for its <c>#r "nuget:"</c>
/// references, the kernel's usings and the cells' hoisted ones, the C# cells in order as top-level statements,
/// markdown as comments, other languages left out with a comment, displays made explicit (<see cref="DisplaySupport"/>).
/// The TorchTrainer fixes are applied afterwards, to the app (see <see cref="ConversionRunner"/>).
/// </summary>
internal static class NotebookConverter
{
    /// <summary>The namespaces a .NET Interactive C# kernel imports by itself (measured on 1.0.712001).</summary>
    public static readonly string[] KernelUsings =
        ["System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];

    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.Ordinal)
    {
        ["fsharp"] = "F#", ["pwsh"] = "PowerShell", ["javascript"] = "JavaScript", ["html"] = "HTML", ["sql"] = "SQL",
        ["kql"] = "KQL", ["mermaid"] = "Mermaid", ["http"] = "HTTP", ["python"] = "Python", ["r"] = "R", ["value"] = "value",
    };

    /// <summary>Converts <paramref name="file"/> into the text of an app to be written in <paramref name="appFolder"/> (the paths it includes are relative to it).</summary>
    public static async Task<ConversionResult> ConvertAsync(TextFile file, string appFolder, PackageRestore restore, CancellationToken ct)
    {
        var result = new ConversionResult { NotebookPath = file.Path };
        IReadOnlyList<NotebookSection> sections;
        try
        {
            sections = NotebookSections.Read(file);
        }
        catch (NotebookFormatException ex)
        {
            result.Errors.Add(ex.Message);
            return result;
        }

        var directives = new KernelDirectives(Path.GetDirectoryName(Path.GetFullPath(file.Path))!);
        var usings = new List<string>(KernelUsings.Select(u => $"using {u};"));
        var blocks = new List<(string Text, int Cell, bool IsCode, IReadOnlyList<string> Types)>();
        var displays = false;
        foreach (var section in sections)
        {
            if (section.Kernel == NotebookSections.Markdown)
            {
                blocks.Add((Commented(section.Text), section.Cell, false, []));
                continue;
            }

            if (section.Kernel != Kernels.CSharp)
            {
                var language = LanguageNames.GetValueOrDefault(section.Kernel, section.Kernel);
                result.LeftOut.Add($"cell {section.Cell} ({language})");
                blocks.Add(($"// Cell {section.Cell} is {language}, left out: a C# file-based app runs C# only. Its code was:\n{Commented(section.Text)}", section.Cell, false, []));
                continue;
            }

            result.HasCSharp = true;
            var (code, timed) = directives.Extract(section.Text, section.Cell);
            var (converted, errors) = CSharpSectionRewriter.Convert(code, section.Cell, timed);
            if (converted is null)
            {
                result.Errors.AddRange(errors.Select(e => $"C# that does not parse: {e}"));
                continue;
            }

            usings.AddRange(converted.Usings);
            displays |= converted.Displays;
            result.KernelOnly.AddRange(converted.KernelOnly);
            blocks.Add((converted.Statements, section.Cell, true, converted.Types));
        }

        result.NotConvertible.AddRange(directives.NotConvertible);
        result.UnknownMagics.AddRange(directives.UnknownMagics);
        if (result.Errors.Count > 0 || !result.HasCSharp)
        {
            return result;
        }

        var folder = Path.GetDirectoryName(file.Path)!;
        result.Sources.AddRange(directives.Sources.Select(s => IsUrl(s) ? s : Path.GetFullPath(Path.Combine(folder, s))).Distinct());
        await MapPackagesAsync(directives.Packages, folder, restore, result, ct).ConfigureAwait(false);
        if (result.Errors.Count > 0)
        {
            return result;
        }

        var app = new StringBuilder();
        app.Append($"// Converted from {Path.GetFileName(file.Path)} by trainer-migrate --to-file-based. Run it with: dotnet run {Path.GetFileNameWithoutExtension(file.Path)}.cs\n");
        foreach (var (id, version) in result.Packages)
        {
            app.Append($"#:package {id}@{version}\n");
        }

        foreach (var (included, cell, line) in directives.Includes.DistinctBy(i => i.Path, ChangeWriter.PathComparer))
        {
            var relative = Path.GetRelativePath(appFolder, included).Replace('\\', '/');
            app.Append($"#:include {relative}\n");
            result.Notes.Add($"cell {cell}: {line} → #:include {relative} (the .NET SDK 10.0.300 or later)");
        }

        // As the kernel compiled and ran the cells: its own usings (written below), no nullable analysis, JIT (no AOT analysis).
        app.Append("#:property ImplicitUsings=disable\n#:property Nullable=disable\n#:property PublishAot=false\n");
        if (result.Sources.Count > 0)
        {
            app.Append($"#:property RestoreAdditionalProjectSources={string.Join(';', result.Sources)}\n");
        }

        if (displays)
        {
            usings.Add($"using static {DisplaySupport.ClassName};");
        }

        app.Append('\n');
        foreach (var line in usings.Distinct(StringComparer.Ordinal))
        {
            app.Append(line).Append('\n');
        }

        var (finalBlocks, types) = ResolveNames(blocks, result.Renamed);
        app.Append('\n').Append(string.Join("\n\n", finalBlocks)).Append('\n');
        foreach (var type in types)
        {
            app.Append('\n').Append(type).Append('\n');
        }

        if (displays)
        {
            var scottPlot = result.Packages.Any(p => p.Id.Equals("ScottPlot", StringComparison.OrdinalIgnoreCase) && !p.Range.StartsWith('3') && !p.Range.StartsWith('4'));
            var torchSharp = result.Packages.Any(p => p.Id.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase) || p.Id.Equals("TorchTrainer", StringComparison.OrdinalIgnoreCase));
            app.Append('\n').Append(DisplaySupport.Source(scottPlot, torchSharp)).Append('\n');
        }

        result.AppText = app.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        return result;
    }

    /// <summary>
    /// The notebook's packages as <c>#:package</c> versions: every version form the kernel accepts is one a file-based
    /// app accepts as it is (exact, <c>4.0.*</c>, <c>*</c>, <c>*-*</c>, ranges; tried on SDK 10.0.401); no version,
    /// which the kernel restores as <c>*</c> and <c>#:package</c> refuses (NU1015), is resolved through NuGet and pinned.
    /// </summary>
    private static async Task MapPackagesAsync(IEnumerable<NuGetReference> packages, string folder, PackageRestore restore, ConversionResult result, CancellationToken ct)
    {
        foreach (var package in packages.DistinctBy(p => p.Id, StringComparer.OrdinalIgnoreCase))
        {
            var version = package.Version;
            if (version is null)
            {
                // Restored as the analysis restores notebooks (the folder's nuget.config chain and the #i sources), so the
                // pinned version is the one the kernel would take today and the one the fixes were checked against.
                var restored = await restore.RestoreNotebookAsync(folder, [new PackageRequest(package.Id, null)], result.Sources, ct).ConfigureAwait(false);
                if (!restored.Versions.TryGetValue(package.Id, out var resolved))
                {
                    result.Errors.Add($"cell {package.Cell}: #r \"nuget: {package.Id}\": NuGet could not restore it: {restored.Failure ?? "project.assets.json does not list it"}");
                    continue;
                }

                version = resolved;
                result.Notes.Add($"{package.Id}: no version in the notebook (the kernel takes the latest stable); NuGet resolves it to {resolved} today, which the app pins");
            }

            result.Packages.Add((package.Id, version));
        }
    }

    /// <summary>
    /// Makes the cells' names valid in one file: nested locals that would clash with a top-level variable first (while
    /// every name still means what it meant in its cell), then the variables and types a later cell declares again.
    /// Returns the code blocks (empty ones dropped) and the type declarations, in notebook order.
    /// </summary>
    private static (List<string> Blocks, List<string> Types) ResolveNames(List<(string Text, int Cell, bool IsCode, IReadOnlyList<string> Types)> blocks, List<string> renamed)
    {
        var identifiers = blocks.Where(b => b.IsCode).SelectMany(b => b.Types.Prepend(b.Text)).SelectMany(Redeclarations.Identifiers).ToHashSet(StringComparer.Ordinal);
        var topLevel = ShadowedLocals.TopLevelNames(blocks.Where(b => b.IsCode).Select(b => b.Text));
        var redeclarations = new Redeclarations(identifiers);
        var finalBlocks = new List<string>();
        var types = new List<string>();
        foreach (var (text, cell, isCode, cellTypes) in blocks)
        {
            var (statements, renamedTypes) = isCode
                ? redeclarations.Apply(ShadowedLocals.Apply(text, cell, topLevel, identifiers, renamed), cellTypes, cell)
                : (text, cellTypes);
            types.AddRange(renamedTypes);
            if (statements.Trim().Length > 0)
            {
                finalBlocks.Add(statements);
            }
        }

        renamed.AddRange(redeclarations.Renamed);
        return (finalBlocks, types);
    }

    /// <summary>Markdown (or code left out) as line comments: headings, text and code blocks stay readable.</summary>
    private static string Commented(string text) =>
        string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n').Split('\n')
            .Select(line => line.TrimEnd().Length == 0 ? "//" : "// " + line.TrimEnd()));

    private static bool IsUrl(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
