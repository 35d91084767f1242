using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;
using Microsoft.VisualStudio.SolutionPersistence.Serializer;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Loads solutions and projects with MSBuildWorkspace, collecting what failed instead of stopping.
/// A large solution is split into partitions of at most <see cref="DefaultPartitionSize"/> projects, each loaded
/// through a solution filter (.slnf) into a workspace of its own: MSBuildWorkspace loads the projects of one
/// workspace one after another in one build host process, so separate workspaces are what lets design-time
/// builds run side by side, and disposing a partition's workspace releases its compilations (memory is bounded
/// by the partitions in flight, not by the size of the solution).
/// </summary>
internal static class MsBuildLoader
{
    /// <summary>Projects of one solution loaded into one workspace at most, by default.</summary>
    public const int DefaultPartitionSize = 24;

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

    /// <summary>The configuration a design-time build loads when none is given.</summary>
    public const string DefaultConfiguration = "Debug";

    /// <summary>
    /// What one workspace loads: a whole solution, a filtered part of one, or standalone projects; under
    /// <paramref name="Configuration"/> (null: the projects' default, Debug).
    /// </summary>
    internal sealed record Partition(string Description, string? SolutionPath, IReadOnlyList<string> Projects, bool Filtered, IReadOnlySet<string> SolutionProjects,
        string? Configuration = null);

    /// <summary>One loaded partition; disposing it releases the workspace and every compilation made from it.</summary>
    internal sealed class LoadedPartition(MSBuildWorkspace workspace, Solution solution, IReadOnlyList<ProjectId> requested,
        IReadOnlyList<string> failures, IReadOnlyList<string> warnings, string configuration) : IDisposable
    {
        public Solution Solution { get; } = solution;

        /// <summary>The configuration the design-time builds ran under.</summary>
        public string Configuration { get; } = configuration;

        /// <summary>The projects this partition is responsible for (each project of the run is requested once).</summary>
        public IReadOnlyList<ProjectId> Requested { get; } = requested;

        public IReadOnlyList<string> Failures { get; } = failures;

        public IReadOnlyList<string> Warnings { get; } = warnings;

        public void Dispose() => workspace.Dispose();
    }

    /// <summary>The projects of each solution (in the solution's order); a solution that cannot be read is a failure.</summary>
    public static async Task<IReadOnlyList<(string Solution, IReadOnlyList<string> Projects)>> ListSolutionsAsync(IReadOnlyList<string> solutions,
        List<string> failures, CancellationToken ct)
    {
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (var solution in solutions)
        {
            try
            {
                result.Add((solution, await ListProjectsAsync(solution, ct).ConfigureAwait(false)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{solution}: cannot be loaded: {ex.Message}");
            }
        }

        return result;
    }

    /// <summary>
    /// Splits the projects to load into partitions: solutions by their project list (only the projects
    /// <paramref name="load"/> keeps), standalone projects together.
    /// </summary>
    public static IReadOnlyList<Partition> Plan(IReadOnlyList<(string Solution, IReadOnlyList<string> Projects)> solutions, IReadOnlyList<string> projects,
        int partitionSize, Func<string, bool> load)
    {
        partitionSize = Math.Max(1, partitionSize);
        var partitions = new List<Partition>();
        var inSolutions = new HashSet<string>(Output.ChangeWriter.PathComparer);
        foreach (var (solution, all) in solutions)
        {
            var listed = all.Where(load).ToList();
            if (listed.Count == 0)
            {
                all.ToList().ForEach(p => inSolutions.Add(p));
                continue;
            }

            var fresh = listed.Where(inSolutions.Add).ToList();
            all.ToList().ForEach(p => inSolutions.Add(p));
            var members = all.ToHashSet(Output.ChangeWriter.PathComparer);
            if (fresh.Count == all.Count && listed.Count <= partitionSize)
            {
                partitions.Add(new Partition(solution, solution, listed, Filtered: false, members));
                continue;
            }

            if (fresh.Count == 0)
            {
                continue;
            }

            // Equal parts of at most partitionSize projects, in the solution's order (neighbours tend to reference each other).
            var parts = (fresh.Count + partitionSize - 1) / partitionSize;
            var chunks = fresh.Chunk(Math.Max(1, (fresh.Count + parts - 1) / Math.Max(1, parts))).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                partitions.Add(new Partition($"{solution} (part {i + 1}/{chunks.Count}, {chunks[i].Length} projects)", solution, chunks[i], Filtered: true, members));
            }
        }

        var standalone = projects.Select(Path.GetFullPath).Where(p => !inSolutions.Contains(p) && load(p)).Distinct(Output.ChangeWriter.PathComparer).ToList();
        if (standalone.Count > 0)
        {
            partitions.Add(new Partition(string.Join(", ", standalone), null, standalone, Filtered: false, new HashSet<string>()));
        }

        return partitions;
    }

    /// <summary>The absolute paths of a solution's projects (.sln, .slnx; a filter's, .slnf), in the solution's order.</summary>
    private static async Task<IReadOnlyList<string>> ListProjectsAsync(string solutionPath, CancellationToken ct)
    {
        if (SolutionFilter.IsFilter(solutionPath))
        {
            var (solution, projects) = SolutionFilter.Read(solutionPath);
            var members = (await ListProjectsAsync(solution, ct).ConfigureAwait(false)).ToHashSet(Output.ChangeWriter.PathComparer);
            var missing = projects.FirstOrDefault(p => !members.Contains(p));
            return missing is null ? projects
                : throw new InvalidDataException($"it selects {missing}, which is not a project of {solution} (fix the filter's project list)");
        }

        var serializer = SolutionSerializers.GetSerializerByMoniker(solutionPath)
            ?? throw new InvalidDataException("not a solution file this tool can read");
        var model = await serializer.OpenAsync(solutionPath, ct).ConfigureAwait(false);
        var directory = Path.GetDirectoryName(Path.GetFullPath(solutionPath))!;
        return model.SolutionProjects
            .Select(p => Path.GetFullPath(Path.Combine(directory, p.FilePath.Replace('\\', Path.DirectorySeparatorChar))))
            .ToList();
    }

    /// <summary>
    /// Loads one partition into a new workspace. <paramref name="claims"/> (shared by the run) makes every
    /// project requested by exactly one partition, although a project referenced from several partitions is
    /// loaded by each of them.
    /// </summary>
    public static async Task<LoadedPartition> LoadAsync(Partition partition, string scratchFolder, ConcurrentDictionary<string, byte> claims,
        Action<string>? progress, CancellationToken ct)
    {
        EnsureMsBuildRegistered();
        return await LoadCoreAsync(partition, scratchFolder, claims, progress, ct).ConfigureAwait(false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps MSBuildWorkspace types out of the caller until registration ran
    private static async Task<LoadedPartition> LoadCoreAsync(Partition partition, string scratchFolder, ConcurrentDictionary<string, byte> claims,
        Action<string>? progress, CancellationToken ct)
    {
        var failures = new List<string>();
        var warnings = new List<string>();
        var workspace = partition.Configuration is { } configuration
            ? MSBuildWorkspace.Create(new Dictionary<string, string> { ["Configuration"] = configuration })
            : MSBuildWorkspace.Create();
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

        try
        {
            progress?.Invoke($"loading {partition.Description}");
            if (partition.SolutionPath is { } solutionPath)
            {
                loading = solutionPath;
                var path = partition.Filtered ? SolutionFilter.Write(solutionPath, partition.Projects, scratchFolder) : solutionPath;
                try
                {
                    await workspace.OpenSolutionAsync(path, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures.Add($"{solutionPath}: cannot be loaded: {ex.Message}");
                }
            }
            else
            {
                foreach (var projectPath in partition.Projects)
                {
                    if (workspace.CurrentSolution.Projects.Any(p => SamePath(p.FilePath, projectPath)))
                    {
                        continue;
                    }

                    loading = projectPath;
                    try
                    {
                        await workspace.OpenProjectAsync(projectPath, cancellationToken: ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        failures.Add($"{projectPath}: cannot be loaded: {ex.Message}");
                    }
                }
            }
        }
        catch
        {
            workspace.Dispose();
            throw;
        }

        // Requested: the partition's own projects and, for a solution, projects it only brings in as references
        // from outside the solution (as a whole-solution load would process them); each claimed once per run, with
        // all its target frameworks (MSBuildWorkspace loads one project per target framework): one unit analyses them
        // all and merges their findings.
        var own = partition.Projects.ToHashSet(Output.ChangeWriter.PathComparer);
        var solution = workspace.CurrentSolution;
        var requested = solution.Projects
            .Where(p => p.FilePath is { } file
                && (own.Contains(Path.GetFullPath(file)) || (partition.SolutionPath is not null && !partition.SolutionProjects.Contains(Path.GetFullPath(file)))))
            .GroupBy(p => Path.GetFullPath(p.FilePath!), Output.ChangeWriter.PathComparer)
            .Where(g => claims.TryAdd(g.Key, 0))
            .SelectMany(g => g.Select(p => p.Id))
            .ToList();
        return new LoadedPartition(workspace, solution, requested, failures, warnings, partition.Configuration ?? DefaultConfiguration);
    }

    /// <summary>
    /// The compilation of one project (its ProjectReference closure loaded from source, as for any loaded project), for a
    /// file-based app's <c>#:project</c>: what the app compiles against; or why it cannot be had. The project must have
    /// been restored (the app's restore restores it).
    /// </summary>
    public static async Task<(Compilation? Compilation, string? Failure)> CompileProjectAsync(string projectPath, CancellationToken ct)
    {
        using var loaded = await LoadAsync(new Partition(projectPath, null, [projectPath], Filtered: false, new HashSet<string>()), scratchFolder: "",
            new ConcurrentDictionary<string, byte>(), progress: null, ct).ConfigureAwait(false);
        if (loaded.Failures.Count > 0)
        {
            return (null, string.Join("; ", loaded.Failures));
        }

        return loaded.Solution.Projects.FirstOrDefault(p => SamePath(p.FilePath, projectPath)) is { } project
            && await project.GetCompilationAsync(ct).ConfigureAwait(false) is { } compilation
            ? (compilation, null)
            : (null, "it has no C# compilation");
    }

    private static bool SamePath(string? a, string b) =>
        a is not null && Output.ChangeWriter.PathComparer.Equals(Path.GetFullPath(a), Path.GetFullPath(b));

    /// <summary>
    /// True when the project references TorchTrainer (package, project or assembly), i.e. can contain legacy uses: an
    /// assembly named TorchTrainer.dll, or (a renamed copy) one whose metadata names it so; the .NET installation's
    /// reference assemblies are never it and are not opened.
    /// </summary>
    public static bool ReferencesTorchTrainer(Project project)
    {
        var files = project.MetadataReferences.OfType<PortableExecutableReference>().Select(r => r.FilePath).OfType<string>().ToList();
        return files.Any(f => TorchTrainerAssembly.IsNamed(Path.GetFileNameWithoutExtension(f)))
            || project.ProjectReferences.Any(r => TorchTrainerAssembly.IsNamed(project.Solution.GetProject(r.ProjectId)?.AssemblyName))
            || files.Where(f => !f.StartsWith(DotnetRoot, StringComparison.Ordinal)).Any(TorchTrainerAssembly.IsFile);
    }

    /// <summary>The .NET installation running the tool (…/shared/Microsoft.NETCore.App/10.0.x/ three levels up): its packs hold the framework's reference assemblies.</summary>
    private static readonly string DotnetRoot = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}
