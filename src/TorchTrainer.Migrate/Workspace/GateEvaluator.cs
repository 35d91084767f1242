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
    /// project file that does not exist is left out (MSBuild reports it when the project is built).
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

    /// <summary>
    /// Whether the project's own files (the project file and its imports outside the .NET installation and the NuGet
    /// package folders) hold a reference this one evaluation cannot rule out for another configuration or target
    /// framework: a PackageReference that adds a package anywhere (under any condition, in a target too), or a
    /// ProjectReference or Reference that depends on a condition or sits in a target. The gate evaluates one
    /// configuration, and a multi-targeted project's outer evaluation sees none of its per-framework items.
    /// </summary>
    public bool MayReferenceOtherwise(ProjectInstance project)
    {
        var sdkRoots = new[] { "NetCoreRoot", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildBinPath", "NuGetPackageRoot" }
            .Select(project.GetPropertyValue)
            .Where(p => p.Length > 0)
            .Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)) + Path.DirectorySeparatorChar)
            .ToList();
        foreach (var file in project.ImportPaths.Prepend(project.FullPath).Distinct(Output.ChangeWriter.PathComparer))
        {
            if (sdkRoots.Any(root => file.StartsWith(root, StringComparison.Ordinal)))
            {
                continue;
            }

            Microsoft.Build.Construction.ProjectRootElement xml;
            try
            {
                xml = Microsoft.Build.Construction.ProjectRootElement.Open(file, _collection);
            }
            catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
            {
                return true; // unreadable now, though the evaluation read it: let the restore and the decision after it judge
            }

            foreach (var item in xml.AllChildren.OfType<Microsoft.Build.Construction.ProjectItemElement>())
            {
                var adds = item.Include.Length > 0;
                if ((item.ItemType == "PackageReference" && adds)
                    || (item.ItemType is "ProjectReference" or "Reference" && adds && DependsOnConditionOrTarget(item)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool DependsOnConditionOrTarget(Microsoft.Build.Construction.ProjectElement element)
    {
        for (var current = element; current is not null; current = current.Parent)
        {
            if (!string.IsNullOrEmpty(current.Condition) || current is Microsoft.Build.Construction.ProjectTargetElement)
            {
                return true;
            }
        }

        return false;
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
