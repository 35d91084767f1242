using Microsoft.CodeAnalysis;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>What a notebook's C# is compiled against, as the kernel would load it, and what stops a complete analysis.</summary>
/// <param name="References">The framework, the restored <c>#r "nuget: …"</c> packages (with dependencies) and <c>#r "file.dll"</c> assemblies.</param>
/// <param name="Warnings">Things the user should know that do not make the analysis incomplete (unknown magics).</param>
/// <param name="Failures">Why the notebook cannot be analysed completely (a package that cannot be restored, a missing assembly).</param>
internal sealed record NotebookReferences(IReadOnlyList<MetadataReference> References, IReadOnlyList<string> Warnings, IReadOnlyList<string> Failures)
{
    public static async Task<NotebookReferences> ResolveAsync(INotebook notebook, ReferenceResolver resolver, CancellationToken ct)
    {
        var path = notebook.File.Path;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var script = notebook.Script;
        var references = new List<MetadataReference>(ReferenceResolver.FrameworkReferences);
        var warnings = new List<string>();
        var failures = new List<string>();

        // #i "nuget: SOURCE": a URL as written; a local folder relative to the notebook's folder.
        var sources = script.NuGetSources.Select(s => Uri.TryCreate(s, UriKind.Absolute, out var uri) && !uri.IsFile ? s : Path.GetFullPath(Path.Combine(folder, s))).ToList();
        var (packages, failure) = await resolver.ResolveNotebookPackagesAsync(path, script.NuGetReferences, sources, ct).ConfigureAwait(false);
        references.AddRange(packages);
        if (failure is not null)
        {
            var named = string.Join(", ", script.NuGetReferences.Select(p => $"#r \"nuget: {p.Id}{(p.Version is null ? "" : ", " + p.Version)}\""));
            failures.Add($"{named} cannot be restored: {failure}");
        }

        foreach (var file in script.FileReferences)
        {
            var full = Path.GetFullPath(Path.Combine(folder, file));
            if (resolver.ResolveFile(full) is { } reference)
            {
                references.Add(reference);
            }
            else
            {
                failures.Add($"#r \"{file}\": no such assembly ({full})");
            }
        }

        foreach (var magic in script.UnknownMagics)
        {
            var (_, detail) = notebook.Locate(magic.CellIndex, magic.Line);
            warnings.Add($"unknown magic command {magic.Name} ({detail}); the line is not analysed");
        }

        return new NotebookReferences(references, warnings, failures);
    }
}
