namespace TorchTrainer.Migrate.Cli;

/// <summary>
/// Tiered PGO off for the processes the tool starts, as the tool's project sets it for the tool itself
/// (<c>TieredPGO</c> false): MSBuildWorkspace's build hosts and <c>dotnet restore</c> live for seconds, and PGO's
/// instrumented tier costs more than it returns in that time. On the input of build/bench/migrate's CI-gate shape
/// (250 projects, 25 on TorchTrainer; 2 cores) it took <c>--check</c> from 11.8 s to 9.4 s (medians of 5 runs each,
/// alternated). A value the user set (DOTNET_ or COMPlus_TieredPGO) is kept.
/// </summary>
internal static class ShortRunJit
{
    public static void ApplyToChildProcesses()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_TieredPGO") is null && Environment.GetEnvironmentVariable("COMPlus_TieredPGO") is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_TieredPGO", "0");
        }
    }
}
