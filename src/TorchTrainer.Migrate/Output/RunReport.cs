using System.Collections.Immutable;
using TorchTrainer.Migrate.Units;

namespace TorchTrainer.Migrate.Output;

/// <summary>
/// Everything one run found and did, built once from the units' immutable results when they are all done; the
/// console summary and the report files are written from it. Everything is in a fixed order (by input, then by
/// place), so the same input always gives the same report, whichever unit finished first.
/// </summary>
internal sealed record RunReport
{
    public ImmutableArray<Finding> Findings { get; init; } = [];
    public ImmutableArray<string> ChangedFiles { get; init; } = [];
    public ImmutableArray<(string Path, string Diff)> Diffs { get; init; } = [];
    public ImmutableArray<string> Errors { get; init; } = [];
    public ImmutableArray<string> Warnings { get; init; } = [];
    public ImmutableArray<string> Skipped { get; init; } = [];

    /// <summary>
    /// Inputs (projects, file-based apps, notebooks or parts of them) that could not be analysed completely, with the
    /// reason. Any entry makes the run exit 2: a gate may pass only what it analysed in full.
    /// </summary>
    public ImmutableArray<NotAnalysed> NotAnalysed { get; init; } = [];

    /// <summary>Inputs analysed completely (including those skipped because they cannot hold TorchTrainer code).</summary>
    public int InputsAnalysed { get; init; }
    public ImmutableSortedDictionary<string, int> FixedPerRule { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    public int FilesAnalysed { get; init; }

    /// <summary>
    /// The run's report: the units' results plus what went wrong outside any unit (restore, loading, planning; put in
    /// order here, since they arrive in whatever order the parallel loads finish).
    /// </summary>
    public static RunReport From(IEnumerable<UnitResult> units, IEnumerable<string> errors, IEnumerable<string> warnings, IEnumerable<NotAnalysed> notAnalysed)
    {
        var ordered = units.OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
        var outside = notAnalysed.ToList();
        var fixedPerRule = ordered.SelectMany(u => u.FixedPerRule)
            .GroupBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
            .ToImmutableSortedDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);
        return new RunReport
        {
            Findings = [.. ordered.SelectMany(u => u.Findings)
                .OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Column).ThenBy(f => f.RuleId, StringComparer.Ordinal)],
            ChangedFiles = [.. ordered.SelectMany(u => u.ChangedFiles).Distinct(ChangeWriter.PathComparer).Order(StringComparer.Ordinal)],
            Diffs = [.. ordered.SelectMany(u => u.Diffs).OrderBy(d => d.Path, StringComparer.Ordinal)],
            Errors = [.. errors.Order(StringComparer.Ordinal).Concat(ordered.SelectMany(u => u.Errors)).Distinct()],
            Warnings = [.. warnings.Order(StringComparer.Ordinal).Concat(ordered.SelectMany(u => u.Warnings)).Distinct()],
            Skipped = [.. ordered.SelectMany(u => u.Skipped).Order(StringComparer.Ordinal)],
            NotAnalysed = [.. outside.Concat(ordered.SelectMany(u => u.NotAnalysed)).Distinct()
                .OrderBy(n => n.Input, StringComparer.Ordinal).ThenBy(n => n.Reason, StringComparer.Ordinal)],
            InputsAnalysed = ordered.Sum(u => u.InputsAnalysed),
            InputsSeen = ordered.Count + outside.Select(n => n.Input).Distinct(StringComparer.Ordinal).Count(),
            FilesAnalysed = ordered.Sum(u => u.FilesAnalysed),
            FixedPerRule = fixedPerRule,
        };
    }

    /// <summary>This report with one more error (one found after the units ran, e.g. the report file cannot be written).</summary>
    public RunReport WithError(string error) => this with { Errors = Errors.Add(error) };

    /// <summary>Inputs the run saw: every unit's input, and those named as not analysed outside any unit.</summary>
    public int InputsSeen { get; init; }
}
