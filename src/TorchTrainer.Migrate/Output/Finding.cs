using Microsoft.CodeAnalysis;

namespace TorchTrainer.Migrate.Output;

/// <summary>Fixed (written), Fixable (would be fixed: --dry-run / --check), or Unfixable.</summary>
internal enum FindingStatus
{
    Fixed,
    Fixable,
    Unfixable,
}

/// <summary>One legacy use, located in the file the user has (1-based line and column).</summary>
internal sealed record Finding(
    string RuleId,
    DiagnosticSeverity Severity,
    string Message,
    string Path,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string? Detail,
    FindingStatus Status,
    string? Reason)
{
    public string Where => Detail is null ? $"{Path}:{Line}:{Column}" : $"{Path}:{Line} ({Detail})";
}

/// <summary>Everything one run found and did; the summary and the reports are written from it.</summary>
internal sealed class RunReport
{
    private readonly Lock _lock = new();

    public List<Finding> Findings { get; } = [];
    public List<string> ChangedFiles { get; } = [];
    public List<(string Path, string Diff)> Diffs { get; } = [];
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
    public List<string> Skipped { get; } = [];
    public Dictionary<string, int> FixedPerRule { get; } = new(StringComparer.OrdinalIgnoreCase);
    public int FilesAnalysed { get; set; }

    public void Add(Action<RunReport> update)
    {
        lock (_lock)
        {
            update(this);
        }
    }
}
