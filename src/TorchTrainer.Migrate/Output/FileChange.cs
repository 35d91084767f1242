namespace TorchTrainer.Migrate.Output;

/// <summary>
/// A rewrite of one file: <see cref="OriginalText"/> is the decoded text the analysis saw,
/// <see cref="NewText"/> what it becomes (same encoding, BOM and line endings on write).
/// </summary>
internal sealed record FileChange(string Path, string OriginalText, string NewText);

/// <summary>What happened to one change.</summary>
internal enum ChangeOutcome
{
    Written,
    WouldWrite,
    OutsideRoots,
    ChangedOnDisk,
    WriteFailed,
    ReadOnly,
}
