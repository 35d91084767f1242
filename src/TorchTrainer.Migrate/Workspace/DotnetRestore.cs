using System.Text.RegularExpressions;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Restores the MSBuild inputs before anything is evaluated or loaded, as <c>dotnet format</c> does (its
/// <c>--no-restore</c> skips it): with the dotnet CLI that runs the tool, so a fresh checkout is checked as it will
/// build, and a restore failure is known per project (the CLI names the project on each error line).
/// </summary>
internal static partial class DotnetRestore
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30); // a hang guard: one restore of a whole solution

    /// <summary>What one restore reported: per project (full path), the error lines that name it; and the run's other errors.</summary>
    internal sealed record Outcome(IReadOnlyDictionary<string, IReadOnlyList<string>> ProjectErrors, IReadOnlyList<string> OtherErrors)
    {
        /// <summary>What the user is told of a project whose restore (under <paramref name="configuration"/>) failed; null when it did not.</summary>
        public string? Failure(string project, string? configuration = null) =>
            ProjectErrors.TryGetValue(project, out var errors)
                ? $"restore{(configuration is null ? "" : $" under {configuration}")} failed: {string.Join("; ", errors)} (fix the restore, e.g. the package source or version, and run again)"
                : null;
    }

    /// <summary>
    /// Restores the projects of <paramref name="needed"/>: a solution all of whose projects are needed as a whole (like
    /// dotnet format), a solution some of whose projects are needed through a solution filter (the same projects,
    /// solution folder and solution-level imports, fewer of them), and the needed standalone
    /// <paramref name="projects"/> together through a generated solution in <paramref name="scratchFolder"/> (a
    /// folder of many projects costs one restore, not one each). NuGet restores each one's ProjectReference closure too.
    /// Under <paramref name="configuration"/> when given (NuGet takes a PackageReference whose condition names the
    /// configuration only when restoring under it), else the projects' default.
    /// A restore stops before NuGet runs when one project's restore graph cannot be made (an SDK or MSBuild error,
    /// such as NETSDK1100 for a Windows project on Linux), which leaves every project of the solution unrestored: the
    /// others are then restored again without the projects that stopped it.
    /// </summary>
    public static async Task<Outcome> RunAsync(IReadOnlyList<(string Solution, IReadOnlyList<string> Projects)> solutions, IReadOnlyList<string> projects,
        IReadOnlySet<string> needed, string scratchFolder, CancellationToken ct, string? configuration = null)
    {
        var targets = solutions
            .Select(s => (Solution: (string?)s.Solution, All: s.Projects, Wanted: s.Projects.Where(needed.Contains).ToList()))
            .Where(t => t.Wanted.Count > 0)
            .Append((Solution: null, All: projects, Wanted: projects.Where(needed.Contains).ToList()))
            .Where(t => t.Wanted.Count > 0);

        var projectErrors = new Dictionary<string, List<string>>(Output.ChangeWriter.PathComparer);
        var otherErrors = new List<string>();
        foreach (var (solution, all, wanted) in targets)
        {
            var remaining = wanted;
            while (remaining.Count > 0)
            {
                var (target, shown) = await EntryAsync(solution, all, remaining, scratchFolder, ct).ConfigureAwait(false);
                var (exitCode, stoppedBy) = await RestoreAsync(target, shown, configuration, projectErrors, otherErrors, ct).ConfigureAwait(false);
                var stopped = exitCode == 0 ? [] : remaining.Where(stoppedBy.Contains).ToHashSet(Output.ChangeWriter.PathComparer);
                if (stopped.Count == 0)
                {
                    break;
                }

                remaining = remaining.Where(p => !stopped.Contains(p)).ToList();
            }
        }

        return new Outcome(projectErrors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, Output.ChangeWriter.PathComparer),
            otherErrors.Distinct().ToList());
    }

    /// <summary>What restores <paramref name="wanted"/>, and how a failure names it: the solution itself, a filter of it, or a generated solution of standalone projects.</summary>
    private static async Task<(string Path, string Shown)> EntryAsync(string? solution, IReadOnlyList<string> all, IReadOnlyList<string> wanted,
        string scratchFolder, CancellationToken ct)
    {
        if (solution is not null)
        {
            return wanted.Count == all.Count
                ? (solution, solution)
                : (SolutionFilter.Write(solution, wanted, scratchFolder), $"{solution} ({wanted.Count} of its {all.Count} projects)");
        }

        var slnx = Path.Combine(scratchFolder, $"restore-{Guid.NewGuid():N}.slnx");
        // Each project in a solution folder of its own: a solution refuses two projects of one name in a folder,
        // and a folder of samples often holds two WebApi.csproj.
        var lines = wanted.Select((p, i) =>
            $"  <Folder Name=\"/{i + 1}/\"><Project Path=\"{System.Security.SecurityElement.Escape(Path.GetFullPath(p))}\" /></Folder>");
        await File.WriteAllTextAsync(slnx, $"<Solution>\n{string.Join('\n', lines)}\n</Solution>\n", ct).ConfigureAwait(false);
        return (slnx, string.Join(", ", wanted));
    }

    /// <summary>
    /// One <c>dotnet restore</c>: its error lines go to the project they name (the file, or the project being restored
    /// when the error is in an SDK or imported file) or to the run's other errors. Returns the exit code and the
    /// projects whose errors are not NuGet's own (NUxxxx, reported after NuGet ran): the errors that stop a restore.
    /// </summary>
    private static async Task<(int ExitCode, HashSet<string> StoppedBy)> RestoreAsync(string target, string shown, string? configuration,
        Dictionary<string, List<string>> projectErrors, List<string> otherErrors, CancellationToken ct)
    {
        List<string> arguments = ["restore", target, "--nologo", "-v", "q", "-clp:NoSummary"];
        if (configuration is not null)
        {
            arguments.Add($"-p:Configuration={configuration}");
        }

        var (exitCode, output) = await RunDotnetAsync(arguments, ct).ConfigureAwait(false);
        var stoppedBy = new HashSet<string>(Output.ChangeWriter.PathComparer);
        var found = false;
        foreach (var line in output)
        {
            var match = ErrorLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            found = true;
            var path = match.Groups["path"].Value.Trim();
            var entry = match.Groups["entry"].Value.Trim();
            var message = match.Groups["message"].Value.Trim();
            var project = IsProject(path) ? Path.GetFullPath(path) : IsProject(entry) ? Path.GetFullPath(entry) : null;
            if (project is null)
            {
                otherErrors.Add($"{match.Groups["location"].Value.Trim()}: {message}");
                continue;
            }

            if (!projectErrors.TryGetValue(project, out var list))
            {
                projectErrors[project] = list = [];
            }

            if (!list.Contains(message))
            {
                list.Add(message);
            }

            if (!message.StartsWith("NU", StringComparison.Ordinal))
            {
                stoppedBy.Add(project);
            }
        }

        if (exitCode != 0 && !found)
        {
            otherErrors.Add($"dotnet restore {shown} failed (exit code {exitCode}): {string.Join(" ", output.Where(l => l.Length > 0).Take(5))}");
        }

        return (exitCode, stoppedBy);
    }

    private static bool IsProject(string path) => path.EndsWith("proj", StringComparison.OrdinalIgnoreCase) && Path.IsPathRooted(path);

    private static async Task<(int ExitCode, List<string> Output)> RunDotnetAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var (exitCode, text) = await DotnetCli.RunAsync(Environment.CurrentDirectory, arguments, Limit, ct).ConfigureAwait(false);
        return (exitCode, text.Split('\n').Select(l => l.TrimEnd('\r')).ToList());
    }

    /// <summary>
    /// "/path/App.csproj : error NU1101: message [/path/all.sln]", "/sdk/x.targets(120,5): error NETSDK1100: message
    /// [/path/App.csproj]" (the position and the bracketed project being built are optional).
    /// </summary>
    [GeneratedRegex(@"^\s*(?<location>(?<path>.+?)(\(\d+(,\d+)*\))?)\s*:\s*error\s+(?<message>[A-Z]+\d+:.*?)(\s+\[(?<entry>[^\]]+)\])?\s*$")]
    private static partial Regex ErrorLine();
}
