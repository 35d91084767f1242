using System.Collections.Concurrent;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Evaluation.Context;
using Microsoft.Build.Execution;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Evaluates projects for the <see cref="ProjectGate"/>: in one collection (imports parsed once) with one shared
/// evaluation context (file system and SDK resolution cached across evaluations, as MSBuild's static graph does),
/// remembering what it evaluated. A restore writes imports (obj/*.nuget.g.props, .targets) that the shared context
/// may have cached as absent, so the evaluator that decides after a restore is a new one, seeded with the earlier
/// evaluations the restore did not invalidate (<see cref="GateEvaluator(GateEvaluator)"/>).
/// </summary>
internal sealed class GateEvaluator : IDisposable
{
    private readonly ProjectCollection _collection = new();
    private readonly EvaluationContext _context = EvaluationContext.Create(EvaluationContext.SharingPolicy.Shared);
    private readonly ConcurrentDictionary<string, Evaluated> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ProjectInstance, bool> _unseen = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<ProjectInstance, IReadOnlyList<(string ItemType, string Include, string Where)>> _untaken = new(ReferenceEqualityComparer.Instance);

    /// <summary>One evaluation and the state of the restore-written imports it saw.</summary>
    private sealed record Evaluated(ProjectInstance Instance, string RestoreStamp);

    public GateEvaluator()
    {
    }

    /// <summary>An evaluator that starts with <paramref name="earlier"/>'s evaluations whose restore-written imports are unchanged since.</summary>
    public GateEvaluator(GateEvaluator earlier)
    {
        foreach (var (key, evaluated) in earlier._cache)
        {
            if (evaluated.RestoreStamp == RestoreStampOf(evaluated.Instance))
            {
                _cache[key] = evaluated;
            }
        }

        Reused = _cache.Count;
    }

    /// <summary>How many earlier evaluations this evaluator started with.</summary>
    public int Reused { get; }

    public ProjectInstance Evaluate(string path, string? configuration, string? targetFramework) =>
        _cache.GetOrAdd($"{Path.GetFullPath(path)}|{configuration}|{targetFramework}", _ =>
        {
            var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (configuration is not null)
            {
                properties["Configuration"] = configuration;
            }

            if (targetFramework is not null)
            {
                properties["TargetFramework"] = targetFramework;
            }

            var instance = ProjectInstance.FromFile(path, new Microsoft.Build.Definition.ProjectOptions
            {
                GlobalProperties = properties,
                ProjectCollection = _collection,
                EvaluationContext = _context,
            });
            return new Evaluated(instance, RestoreStampOf(instance));
        }).Instance;

    /// <summary>
    /// The projects of the ProjectReference closure (the project itself excluded), breadth first; a referenced
    /// project file that does not exist is left out (the gate names it: ProjectGate.Dangling).
    /// </summary>
    public IEnumerable<ProjectInstance> ReferencedProjects(ProjectInstance project, string configuration)
    {
        var seen = new HashSet<string>(Output.ChangeWriter.PathComparer) { project.FullPath };
        var queue = new Queue<ProjectInstance>([project]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var reference in current.GetItems("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(current.Directory, reference.EvaluatedInclude));
                if (!seen.Add(path) || !File.Exists(path))
                {
                    continue;
                }

                var referenced = Evaluate(path, configuration, null);
                yield return referenced;
                queue.Enqueue(referenced);
            }
        }
    }

    /// <summary>The files the Compile items of every project evaluated so far name (full paths): what a linked file is compiled by.</summary>
    public IEnumerable<string> CompileFiles() => _cache.Values.SelectMany(e => e.Instance.GetItems("Compile")
        .Select(i => Path.GetFullPath(Path.Combine(e.Instance.Directory, i.EvaluatedInclude.Replace('\\', Path.DirectorySeparatorChar)))));

    /// <summary>Whether the project's own files may add a reference this evaluation does not show (<see cref="UnseenReferences"/>).</summary>
    /// <remarks>Once per evaluation: a project referenced by many (a solution's common library) is read once.</remarks>
    public bool MayReferenceOtherwise(ProjectInstance project) =>
        _unseen.GetOrAdd(project, p => UnseenReferences.Possible(p, _collection));

    /// <summary>The references in the project's own files that no evaluation of the gate takes (<see cref="UnseenReferences.Untaken"/>).</summary>
    /// <remarks>Once per evaluation, like <see cref="MayReferenceOtherwise"/>: a project in many closures is read once.</remarks>
    public IReadOnlyList<(string ItemType, string Include, string Where)> UntakenReferences(ProjectInstance project) =>
        _untaken.GetOrAdd(project, p => [.. UnseenReferences.Untaken(p, _collection, () => AnalysedEvaluations(p))]);

    /// <summary>The project's evaluations under the configurations the tool analyses (Debug, Release), per target framework.</summary>
    private IReadOnlyList<ProjectInstance> AnalysedEvaluations(ProjectInstance project)
    {
        var frameworks = project.GetPropertyValue("TargetFrameworks").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new[] { MsBuildLoader.DefaultConfiguration, ProjectGate.EvaluatedConfiguration }
            .SelectMany(configuration => frameworks.Length == 0
                ? [Evaluate(project.FullPath, configuration, null)]
                : frameworks.Select(framework => Evaluate(project.FullPath, configuration, framework)))
            .ToList();
    }

    /// <summary>
    /// The imports NuGet's restore writes next to the assets file (present or not, and when written): an evaluation
    /// made before a restore holds after it exactly when these are unchanged.
    /// </summary>
    private static string RestoreStampOf(ProjectInstance project)
    {
        var folder = project.GetPropertyValue("MSBuildProjectExtensionsPath");
        folder = Path.GetFullPath(Path.Combine(project.Directory, folder.Length > 0 ? folder : "obj"));
        var file = Path.GetFileName(project.FullPath);
        return string.Join("|", new[] { ".nuget.g.props", ".nuget.g.targets" }.Select(suffix =>
        {
            var info = new FileInfo(Path.Combine(folder, file + suffix));
            return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : "-";
        }));
    }

    public void Dispose() => _collection.Dispose();
}
