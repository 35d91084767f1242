using System.Text.Json;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Solution filters (.slnf): some of a solution's projects, seen by MSBuild and MSBuildWorkspace as that solution
/// (its folder, its solution-level imports), which a generated solution elsewhere would not be.
/// </summary>
internal static class SolutionFilter
{
    /// <summary>
    /// Writes a filter selecting <paramref name="projects"/> (full paths) of <paramref name="solutionPath"/> to the scratch
    /// folder; when <paramref name="solutionPath"/> is itself a filter, of the solution it filters.
    /// </summary>
    public static string Write(string solutionPath, IEnumerable<string> projects, string scratchFolder)
    {
        if (IsFilter(solutionPath))
        {
            solutionPath = Read(solutionPath).Solution;
        }

        var path = Path.Combine(scratchFolder, $"{Path.GetFileNameWithoutExtension(solutionPath)}-{Guid.NewGuid():N}.slnf");
        // Relative to the solution's folder, as Visual Studio writes them: MSBuild matches them against the solution's
        // entries as written and refuses a full path (MSB5028), MSBuildWorkspace accepts both.
        var folder = Path.GetDirectoryName(Path.GetFullPath(solutionPath))!;
        var relative = projects.Select(p => Path.GetRelativePath(folder, p)).ToList();
        var json = JsonSerializer.Serialize(new { solution = new { path = Path.GetFullPath(solutionPath), projects = relative } });
        File.WriteAllText(path, json);
        return path;
    }

    public static bool IsFilter(string path) => path.EndsWith(".slnf", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads a solution filter as Visual Studio and MSBuild do: the solution's path relative to the filter's folder, the
    /// projects' paths relative to the solution's folder (either separator). Returns full paths.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a solution filter.</exception>
    public static (string Solution, IReadOnlyList<string> Projects) Read(string filterPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(filterPath));
            var solution = document.RootElement.GetProperty("solution");
            var path = solution.GetProperty("path").GetString() ?? throw new InvalidDataException("solution.path is null");
            var solutionPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(filterPath))!, Native(path)));
            var folder = Path.GetDirectoryName(solutionPath)!;
            var projects = solution.TryGetProperty("projects", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(p => Path.GetFullPath(Path.Combine(folder, Native(p.GetString() ?? "")))).ToList()
                : [];
            return (solutionPath, projects);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"not a solution filter ({{\"solution\": {{\"path\": …, \"projects\": […]}}}}): {ex.Message}", ex);
        }
    }

    private static string Native(string path) => path.Replace('\\', Path.DirectorySeparatorChar).Replace('/', Path.DirectorySeparatorChar);
}
