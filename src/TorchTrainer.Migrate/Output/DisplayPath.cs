namespace TorchTrainer.Migrate.Output;

/// <summary>How paths are shown to the user.</summary>
internal static class DisplayPath
{
    /// <summary>Relative to <paramref name="currentDirectory"/> when the path is inside it, else the full path.</summary>
    public static string Relative(string currentDirectory, string path)
    {
        var relative = Path.GetRelativePath(currentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
