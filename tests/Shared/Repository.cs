namespace TorchTrainer.TestSupport;

/// <summary>Where the repository is, for tests that read its sources or pack its projects.</summary>
internal static class Repository
{
    /// <summary>The folder holding Trainer.Analyzers.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Trainer.Analyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Trainer.Analyzers.sln above {AppContext.BaseDirectory}.");
    }
}
