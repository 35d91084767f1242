namespace TorchTrainer.Migrate.Discovery;

/// <summary>What the given paths contain, and the roots inside which the tool may write.</summary>
internal sealed class MigrationInputs
{
    public List<string> Solutions { get; } = [];
    public List<string> Projects { get; } = [];
    public List<string> FileBasedApps { get; } = [];
    public List<string> Notebooks { get; } = [];
    public List<string> Roots { get; } = [];

    /// <summary>Bad inputs (missing path, wrong kind): each names the path. Any of them stops the run before anything is read.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>What the scan left alone and why (directory links, which it does not follow).</summary>
    public List<(string Path, string Reason)> Skipped { get; } = [];

    /// <summary>Inputs found but not analysed, with the reason (a link out of the roots): the run exits 2.</summary>
    public List<(string Path, string Reason)> NotAnalysed { get; } = [];

    /// <summary>
    /// C# files outside every project folder that are not file-based apps (loose .cs files, .csx scripts) and hold a legacy
    /// name, with the reason: not analysed unless a project of the inputs compiles them (a linked file), which only MSBuild
    /// evaluation can tell.
    /// </summary>
    public List<(string Path, string Reason)> LooseFiles { get; } = [];

    public int Count => Solutions.Count + Projects.Count + FileBasedApps.Count + Notebooks.Count;
}
