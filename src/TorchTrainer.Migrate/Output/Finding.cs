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
