using System.Collections.Immutable;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Units;

/// <summary>Collects one unit's results while the unit runs (one unit, one thread: no lock), then freezes them.</summary>
internal sealed class UnitResultBuilder(string name)
{
    public string Name { get; } = name;
    public List<Finding> Findings { get; } = [];
    public List<string> ChangedFiles { get; } = [];
    public List<(string Path, string Diff)> Diffs { get; } = [];
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
    public List<string> Skipped { get; } = [];
    public List<NotAnalysed> NotAnalysed { get; } = [];
    public Dictionary<string, int> FixedPerRule { get; } = new(StringComparer.OrdinalIgnoreCase);
    public int FilesAnalysed { get; set; }
    public bool Complete { get; set; }

    public UnitResult Build(string verdict) => new()
    {
        Name = Name,
        Verdict = verdict,
        Findings = [.. Findings],
        ChangedFiles = [.. ChangedFiles],
        Diffs = [.. Diffs],
        Errors = [.. Errors],
        Warnings = [.. Warnings],
        Skipped = [.. Skipped],
        NotAnalysed = [.. NotAnalysed],
        FixedPerRule = FixedPerRule.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase),
        FilesAnalysed = FilesAnalysed,
        InputsAnalysed = Complete && NotAnalysed.Count == 0 ? 1 : 0,
    };
}
