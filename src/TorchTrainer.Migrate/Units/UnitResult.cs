using System.Collections.Immutable;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// What one unit (a project, a file-based app or a notebook) found and did. Immutable: units run in parallel and
/// hand this back; the run's <see cref="RunReport"/> is built from all of them once they are done.
/// </summary>
internal sealed record UnitResult
{
    /// <summary>The input as displayed (relative to the current folder when inside it).</summary>
    public required string Name { get; init; }

    /// <summary>The progress line's verdict ("nothing to migrate", "2 legacy use(s), 2 fixed", ...).</summary>
    public required string Verdict { get; init; }

    public ImmutableArray<Finding> Findings { get; init; } = [];
    public ImmutableArray<string> ChangedFiles { get; init; } = [];
    public ImmutableArray<(string Path, string Diff)> Diffs { get; init; } = [];
    public ImmutableArray<string> Errors { get; init; } = [];
    public ImmutableArray<string> Warnings { get; init; } = [];
    public ImmutableArray<string> Skipped { get; init; } = [];
    public ImmutableArray<NotAnalysed> NotAnalysed { get; init; } = [];
    public ImmutableDictionary<string, int> FixedPerRule { get; init; } = ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.OrdinalIgnoreCase);

    /// <summary>Source files analysed.</summary>
    public int FilesAnalysed { get; init; }

    /// <summary>1 when the input was analysed completely (or skipped because it cannot hold TorchTrainer code), else 0.</summary>
    public int InputsAnalysed { get; init; }

    /// <summary>The unit failed as a whole: it is named as not analysed, with the reason.</summary>
    public static UnitResult Failed(string name, string reason) =>
        new() { Name = name, Verdict = "not analysed", NotAnalysed = [new NotAnalysed(name, reason)] };

    /// <summary>The input was decided without analysis (it cannot hold TorchTrainer code).</summary>
    public static UnitResult Skip(string name, string skipped, string verdict) =>
        new() { Name = name, Verdict = verdict, Skipped = [skipped], InputsAnalysed = 1 };
}
