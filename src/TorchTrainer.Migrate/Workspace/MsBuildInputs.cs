using System.Collections.Immutable;
using TorchTrainer.Migrate.Units;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Prepares the MSBuild inputs (solutions, projects) for loading: restores them (unless --no-restore), lets the
/// <see cref="ProjectGate"/> decide from evaluation which projects can hold TorchTrainer code, and plans the
/// partitions of those only. Every other project is decided here: skipped, or named as not analysed.
/// </summary>
internal static class MsBuildInputs
{
    internal sealed record Prepared(
        IReadOnlyList<MsBuildLoader.Partition> Partitions,
        IReadOnlyDictionary<string, GateDecision> Decisions,
        ImmutableArray<UnitResult> Decided,
        ImmutableArray<string> Failures);

    public static async Task<Prepared> PrepareAsync(IReadOnlyList<string> solutions, IReadOnlyList<string> projects, bool restore, int partitionSize,
        string scratchFolder, Func<string, string> display, Action<string> detail, CancellationToken ct)
    {
        var failures = new List<string>();
        var listed = await MsBuildLoader.ListSolutionsAsync(solutions, failures, ct).ConfigureAwait(false);
        var inSolutions = listed.SelectMany(s => s.Projects).ToHashSet(Output.ChangeWriter.PathComparer);
        var standalone = projects.Select(Path.GetFullPath).Where(p => !inSolutions.Contains(p)).Distinct(Output.ChangeWriter.PathComparer).ToList();
        var all = inSolutions.Concat(standalone).Distinct(Output.ChangeWriter.PathComparer).Order(StringComparer.Ordinal).ToList();

        DotnetRestore.Outcome? restored = null;
        if (restore)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            restored = await DotnetRestore.RunAsync([.. listed.Select(s => s.Solution)], standalone, scratchFolder, ct).ConfigureAwait(false);
            failures.AddRange(restored.OtherErrors.Select(e => $"restore failure: {e}"));
            detail($"restored {all.Count} project(s) in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        }

        var gateStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var decisions = ProjectGate.Decide(all, restored, ct);
        var decided = ImmutableArray.CreateBuilder<UnitResult>();
        foreach (var path in all)
        {
            var decision = decisions[path];
            var name = display(path);
            switch (decision.Verdict)
            {
                case GateVerdict.Skip:
                    detail($"{name}: does not reference TorchTrainer (decided by MSBuild evaluation: {decision.Reason}); not loaded");
                    decided.Add(UnitResult.Skip(name, $"{name} ({Path.GetFileNameWithoutExtension(path)}): does not reference TorchTrainer; skipped", "does not reference TorchTrainer"));
                    break;
                case GateVerdict.NotAnalysed:
                    decided.Add(UnitResult.Failed(name, decision.Reason));
                    break;
                case GateVerdict.TorchTrainerItself:
                    detail($"{name}: TorchTrainer itself, skipped");
                    break;
                default:
                    detail($"{name}: references TorchTrainer (decided by MSBuild evaluation: {decision.Reason}); loading");
                    break;
            }
        }

        detail($"MSBuild evaluation decided {all.Count} project(s) in {System.Diagnostics.Stopwatch.GetElapsedTime(gateStarted).TotalSeconds:0.0} s");
        var partitions = MsBuildLoader.Plan(listed, standalone, partitionSize, p => decisions.TryGetValue(p, out var d) && d.Verdict == GateVerdict.Load);
        return new Prepared(partitions, decisions, decided.ToImmutable(), [.. failures]);
    }
}
