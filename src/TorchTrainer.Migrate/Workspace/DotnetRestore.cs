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
    /// </summary>
    public static async Task<Outcome> RunAsync(IReadOnlyList<(string Solution, IReadOnlyList<string> Projects)> solutions, IReadOnlyList<string> projects,
        IReadOnlySet<string> needed, string scratchFolder, CancellationToken ct, string? configuration = null)
    {
        var targets = new List<(string Path, string Shown)>(); // what is restored, and how a failure names it
        foreach (var (solution, members) in solutions)
        {
            var wanted = members.Where(needed.Contains).ToList();
            if (wanted.Count == members.Count)
            {
                targets.Add((solution, solution));
            }
            else if (wanted.Count > 0)
            {
                targets.Add((SolutionFilter.Write(solution, wanted, scratchFolder), $"{solution} ({wanted.Count} of its {members.Count} projects)"));
            }
        }

        var standalone = projects.Where(needed.Contains).ToList();
        if (standalone.Count > 0)
        {
            var slnx = Path.Combine(scratchFolder, "restore.slnx");
            // Each project in a solution folder of its own: a solution refuses two projects of one name in a folder,
            // and a folder of samples often holds two WebApi.csproj.
            var lines = standalone.Select((p, i) =>
                $"  <Folder Name=\"/{i + 1}/\"><Project Path=\"{System.Security.SecurityElement.Escape(Path.GetFullPath(p))}\" /></Folder>");
            await File.WriteAllTextAsync(slnx, $"<Solution>\n{string.Join('\n', lines)}\n</Solution>\n", ct).ConfigureAwait(false);
            targets.Add((slnx, string.Join(", ", standalone)));
        }

        var projectErrors = new Dictionary<string, List<string>>(Output.ChangeWriter.PathComparer);
        var otherErrors = new List<string>();
        foreach (var (target, shown) in targets)
        {
            List<string> arguments = ["restore", target, "--nologo", "-v", "q", "-clp:NoSummary"];
            if (configuration is not null)
            {
                arguments.Add($"-p:Configuration={configuration}");
            }

            var (exitCode, output) = await RunDotnetAsync(arguments, ct).ConfigureAwait(false);
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
                var message = match.Groups["message"].Value.Trim();
                if (path.EndsWith("proj", StringComparison.OrdinalIgnoreCase) && Path.IsPathRooted(path))
                {
                    if (!projectErrors.TryGetValue(Path.GetFullPath(path), out var list))
                    {
                        projectErrors[Path.GetFullPath(path)] = list = [];
                    }

                    if (!list.Contains(message))
                    {
                        list.Add(message);
                    }
                }
                else
                {
                    otherErrors.Add($"{path}: {message}");
                }
            }

            if (exitCode != 0 && !found)
            {
                otherErrors.Add($"dotnet restore {shown} failed (exit code {exitCode}): {string.Join(" ", output.Where(l => l.Length > 0).Take(5))}");
            }
        }

        return new Outcome(projectErrors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, Output.ChangeWriter.PathComparer), otherErrors);
    }

    private static async Task<(int ExitCode, List<string> Output)> RunDotnetAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var (exitCode, text) = await DotnetCli.RunAsync(Environment.CurrentDirectory, arguments, Limit, ct).ConfigureAwait(false);
        return (exitCode, text.Split('\n').Select(l => l.TrimEnd('\r')).ToList());
    }

    /// <summary>"/path/App.csproj : error NU1101: message [/path/all.sln]" (the bracketed entry project is optional).</summary>
    [GeneratedRegex(@"^\s*(?<path>.+?)\s*:\s*error\s+(?<message>[A-Z]+\d+:.*?)(\s+\[[^\]]+\])?\s*$")]
    private static partial Regex ErrorLine();
}
