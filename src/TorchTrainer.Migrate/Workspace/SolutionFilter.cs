using System.Text.Json;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Solution filters (.slnf): some of a solution's projects, seen by MSBuild and MSBuildWorkspace as that solution
/// (its folder, its solution-level imports), which a generated solution elsewhere would not be.
/// </summary>
internal static class SolutionFilter
{
    /// <summary>Writes a filter selecting <paramref name="projects"/> (full paths) of <paramref name="solutionPath"/> to the scratch folder.</summary>
    public static string Write(string solutionPath, IEnumerable<string> projects, string scratchFolder)
    {
        var path = Path.Combine(scratchFolder, $"{Path.GetFileNameWithoutExtension(solutionPath)}-{Guid.NewGuid():N}.slnf");
        // Relative to the solution's folder, as Visual Studio writes them: MSBuild matches them against the solution's
        // entries as written and refuses a full path (MSB5028), MSBuildWorkspace accepts both.
        var folder = Path.GetDirectoryName(Path.GetFullPath(solutionPath))!;
        var relative = projects.Select(p => Path.GetRelativePath(folder, p)).ToList();
        var json = JsonSerializer.Serialize(new { solution = new { path = Path.GetFullPath(solutionPath), projects = relative } });
        File.WriteAllText(path, json);
        return path;
    }
}
