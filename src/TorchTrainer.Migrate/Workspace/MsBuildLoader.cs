using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>Loads solutions and projects with MSBuildWorkspace, collecting what failed instead of stopping.</summary>
internal sealed class MsBuildLoader
{
    private static readonly Lock RegistrationLock = new();
    private static string? _msbuildDescription;

    /// <summary>Registers the SDK's MSBuild once per process, before any MSBuild type is touched.</summary>
    public static string EnsureMsBuildRegistered()
    {
        lock (RegistrationLock)
        {
            if (_msbuildDescription is null)
            {
                if (MSBuildLocator.IsRegistered)
                {
                    _msbuildDescription = "MSBuild (registered by the host)";
                }
                else
                {
                    var instance = MSBuildLocator.RegisterDefaults();
                    _msbuildDescription = $"MSBuild {instance.Version} from {instance.MSBuildPath}";
                }
            }

            return _msbuildDescription;
        }
    }

    /// <summary>The loaded solution, per-file load failures (errors) and warnings.</summary>
    internal sealed record LoadResult(Solution Solution, IReadOnlyList<ProjectId> Requested, IReadOnlyList<string> Failures, IReadOnlyList<string> Warnings);

    public static async Task<LoadResult> LoadAsync(IReadOnlyList<string> solutions, IReadOnlyList<string> projects, Action<string>? progress, CancellationToken ct)
    {
        EnsureMsBuildRegistered();
        return await LoadCoreAsync(solutions, projects, progress, ct).ConfigureAwait(false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps MSBuildWorkspace types out of the caller until registration ran
    private static async Task<LoadResult> LoadCoreAsync(IReadOnlyList<string> solutions, IReadOnlyList<string> projects, Action<string>? progress, CancellationToken ct)
    {
        var failures = new List<string>();
        var warnings = new List<string>();
        var workspace = MSBuildWorkspace.Create();
        workspace.LoadMetadataForReferencedProjects = false;
        workspace.SkipUnrecognizedProjects = true;
        string? loading = null;
        workspace.RegisterWorkspaceFailedHandler(e =>
        {
            var message = e.Diagnostic.Message.Trim();
            lock (failures)
            {
                (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure ? failures : warnings).Add(
                    message.Contains(loading ?? "\0", StringComparison.Ordinal) || loading is null ? message : $"{loading}: {message}");
            }
        });

        var requested = new List<ProjectId>();
        foreach (var solutionPath in solutions)
        {
            loading = solutionPath;
            progress?.Invoke($"loading {solutionPath}");
            try
            {
                var solution = await workspace.OpenSolutionAsync(solutionPath, cancellationToken: ct).ConfigureAwait(false);
                requested.AddRange(solution.ProjectIds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{solutionPath}: cannot be loaded: {ex.Message}");
            }
        }

        foreach (var projectPath in projects)
        {
            var already = workspace.CurrentSolution.Projects.Where(p => SamePath(p.FilePath, projectPath)).Select(p => p.Id).ToList();
            if (already.Count > 0)
            {
                requested.AddRange(already);
                continue;
            }

            loading = projectPath;
            progress?.Invoke($"loading {projectPath}");
            try
            {
                await workspace.OpenProjectAsync(projectPath, cancellationToken: ct).ConfigureAwait(false);
                requested.AddRange(workspace.CurrentSolution.Projects.Where(p => SamePath(p.FilePath, projectPath)).Select(p => p.Id));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{projectPath}: cannot be loaded: {ex.Message}");
            }
        }

        return new LoadResult(workspace.CurrentSolution, requested.Distinct().ToList(), failures, warnings);
    }

    private static bool SamePath(string? a, string b) =>
        a is not null && Output.ChangeWriter.PathComparer.Equals(Path.GetFullPath(a), Path.GetFullPath(b));

    /// <summary>True when the project references TorchTrainer (package or project), i.e. can contain legacy uses.</summary>
    public static bool ReferencesTorchTrainer(Project project) =>
        project.MetadataReferences.OfType<PortableExecutableReference>()
            .Any(r => string.Equals(Path.GetFileNameWithoutExtension(r.FilePath), "TorchTrainer", StringComparison.OrdinalIgnoreCase))
        || project.ProjectReferences.Any(r => string.Equals(project.Solution.GetProject(r.ProjectId)?.AssemblyName, "TorchTrainer", StringComparison.OrdinalIgnoreCase));
}
