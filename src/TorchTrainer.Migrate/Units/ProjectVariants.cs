using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Units;

/// <summary>One configuration and target framework of a project, as a Roslyn project to analyse.</summary>
internal sealed record ProjectVariant(string Label, Project Project);

/// <summary>
/// The configurations a project is analysed under: every target framework MSBuildWorkspace loaded (its Debug
/// design-time builds) and, per target framework, Release. A project loaded under Release (one only Release
/// compiles against TorchTrainer) is analysed as loaded. Release is derived from the loaded Debug project with
/// Release's preprocessor symbols (evaluation's, and the framework's implicit ones the design-time build had:
/// <see cref="ImplicitSymbols"/>) and Compile items from MSBuild evaluation (no second design-time build); it is left
/// out when it cannot differ from Debug (the same source files and no conditional directive in any of them).
/// Generated files (the build output of <see cref="UnitServices.IsBuildOutput"/>) are kept as loaded: evaluation does
/// not list them.
/// </summary>
internal static class ProjectVariants
{
    public static async Task<IReadOnlyList<ProjectVariant>> CreateAsync(IReadOnlyList<Project> loaded, string configuration, ImmutableArray<ConfigurationView> views,
        Func<string, bool> include, CancellationToken ct)
    {
        var variants = new List<ProjectVariant>();
        var frameworks = views.Select(v => v.TargetFramework).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var project in loaded.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var framework = TargetFramework(project, frameworks);
            variants.Add(new ProjectVariant($"{configuration}|{framework ?? project.Name}", project));
            var release = configuration != MsBuildLoader.DefaultConfiguration ? null
                : views.FirstOrDefault(v => v.Configuration == "Release" && string.Equals(v.TargetFramework, framework, StringComparison.OrdinalIgnoreCase));
            if (release is null || project.ParseOptions is not CSharpParseOptions parseOptions)
            {
                continue;
            }

            var sources = project.Documents.Select(d => d.FilePath).OfType<string>().Where(p => !UnitServices.IsBuildOutput(p, project))
                .ToHashSet(Output.ChangeWriter.PathComparer);
            var releaseSources = release.CompileFiles.Where(p => !UnitServices.IsBuildOutput(p, project)).ToHashSet(Output.ChangeWriter.PathComparer);
            if (sources.SetEquals(releaseSources) && !await HasConditionalCodeAsync(project, include, ct).ConfigureAwait(false))
            {
                continue;
            }

            // Release's DefineConstants from evaluation, and the framework and platform symbols the design-time build had.
            var symbols = release.DefineConstants.Concat(parseOptions.PreprocessorSymbolNames.Where(ImplicitSymbols.IsImplicit)).Distinct(StringComparer.Ordinal);
            var derived = project.WithParseOptions(parseOptions.WithPreprocessorSymbols(symbols));
            foreach (var document in project.Documents)
            {
                if (document.FilePath is { } path && sources.Contains(path) && !releaseSources.Contains(path))
                {
                    derived = derived.RemoveDocument(document.Id);
                }
            }

            foreach (var path in releaseSources.Where(p => !sources.Contains(p) && File.Exists(p)).Order(StringComparer.Ordinal))
            {
                var text = SourceText.From(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false));
                derived = derived.AddDocument(Path.GetFileName(path), text, filePath: path).Project;
            }

            variants.Add(new ProjectVariant($"Release|{framework}", derived));
        }

        return variants;
    }

    /// <summary>
    /// The target framework of one loaded project: MSBuildWorkspace names a multi-targeted project's projects
    /// "Name(tfm)"; a single-targeted project has the one its evaluation names.
    /// </summary>
    private static string? TargetFramework(Project project, IReadOnlyList<string> frameworks)
    {
        var name = project.Name;
        if (name.EndsWith(')') && name.LastIndexOf('(') is var open and > 0)
        {
            return name[(open + 1)..^1];
        }

        return frameworks.Count == 1 ? frameworks[0] : null;
    }

    private static async Task<bool> HasConditionalCodeAsync(Project project, Func<string, bool> include, CancellationToken ct)
    {
        foreach (var document in project.Documents)
        {
            if (document.FilePath is not { } path || !include(path))
            {
                continue;
            }

            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is not null && root.ContainsDirectives && root.GetFirstDirective(d => d is IfDirectiveTriviaSyntax) is not null)
            {
                return true;
            }
        }

        return false;
    }
}
