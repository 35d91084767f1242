namespace TorchTrainer.Migrate.Cli;

/// <summary>How much the tool prints (like dotnet's -v).</summary>
internal enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Detailed,
}

/// <summary>The parsed command line.</summary>
internal sealed record MigrateOptions
{
    public IReadOnlyList<string> Paths { get; init; } = [];
    public bool DryRun { get; init; }
    public bool Check { get; init; }

    /// <summary>--no-restore: do not restore the MSBuild inputs first (an unrestored project is then not analysed).</summary>
    public bool NoRestore { get; init; }
    public string? ReportPath { get; init; }
    public IReadOnlyList<string> Diagnostics { get; init; } = [];
    public Verbosity Verbosity { get; init; } = Verbosity.Normal;
    public string CurrentDirectory { get; init; } = Environment.CurrentDirectory;
    public int MaxPasses { get; init; } = 3;

    /// <summary>Projects of a solution loaded into one MSBuild workspace at most (see MsBuildLoader).</summary>
    public int PartitionSize { get; init; } = Workspace.MsBuildLoader.DefaultPartitionSize;

    /// <summary>True when files are rewritten (neither --dry-run nor --check).</summary>
    public bool Writes => !DryRun && !Check;

    public string Mode => Check && DryRun ? "check+dry-run" : Check ? "check" : DryRun ? "dry-run" : "apply";

    public static Verbosity? ParseVerbosity(string value) => value.ToLowerInvariant() switch
    {
        "q" or "quiet" => Verbosity.Quiet,
        "m" or "minimal" => Verbosity.Minimal,
        "n" or "normal" => Verbosity.Normal,
        // dotnet's "diagnostic" level is accepted; the tool has nothing more to say at it than at "detailed".
        "d" or "detailed" or "diag" or "diagnostic" => Verbosity.Detailed,
        _ => null,
    };
}
