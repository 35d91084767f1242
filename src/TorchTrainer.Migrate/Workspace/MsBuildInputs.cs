using System.Collections.Immutable;
using TorchTrainer.Migrate.Units;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Prepares the MSBuild inputs (solutions, projects) for loading: lets the <see cref="ProjectGate"/> survey them by
/// evaluation, restores those whose verdict depends on a restore (unless --no-restore), lets the gate decide which
/// projects can hold TorchTrainer code, and plans the partitions of those only. Every other project is decided here: skipped, or named as not analysed.
/// </summary>
internal static class MsBuildInputs
{
    internal sealed record Prepared(
        IReadOnlyList<MsBuildLoader.Partition> Partitions,
        IReadOnlyDictionary<string, GateDecision> Decisions,
        ImmutableArray<UnitResult> Decided,
        ImmutableArray<string> Failures,
        IReadOnlySet<string> CompileFiles);

    public static async Task<Prepared> PrepareAsync(IReadOnlyList<string> solutions, IReadOnlyList<string> projects, bool restore, int partitionSize,
        string scratchFolder, Func<string, string> display, Action<string> progress, Action<string> detail, CancellationToken ct)
    {
        var failures = new List<string>();
        var listed = await MsBuildLoader.ListSolutionsAsync(solutions, failures, ct).ConfigureAwait(false);
        var inSolutions = listed.SelectMany(s => s.Projects).ToHashSet(Output.ChangeWriter.PathComparer);
        var standalone = projects.Select(Path.GetFullPath).Where(p => !inSolutions.Contains(p)).Distinct(Output.ChangeWriter.PathComparer).ToList();
        var all = inSolutions.Concat(standalone).Distinct(Output.ChangeWriter.PathComparer).Order(StringComparer.Ordinal).ToList();

        // A shared project is not built on its own (MSBuild's solution build skips it, and it cannot be evaluated without
        // Visual Studio): its files are compiled, and analysed, in the projects that import its .projitems.
        var decided = ImmutableArray.CreateBuilder<UnitResult>();
        foreach (var shared in all.Where(p => p.EndsWith(".shproj", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            var name = display(shared);
            decided.Add(UnitResult.Skip(name, $"{name}: a shared project; its files are analysed in the projects that import it", "shared project"));
            all.Remove(shared);
        }

        // Evaluation first: it settles the projects no restore could change (no PackageReference in their closure),
        // so only the others are restored, and a no-op restore leaves every evaluation valid for the decision after it.
        progress($"evaluating {all.Count} project(s) with MSBuild");
        var surveyed = System.Diagnostics.Stopwatch.GetTimestamp();
        using var survey = ProjectGate.Survey(all, ct);
        detail($"MSBuild evaluation of {all.Count} project(s) in {System.Diagnostics.Stopwatch.GetElapsedTime(surveyed).TotalSeconds:0.0} s: "
            + $"{survey.Settled.Count} settled without a restore, {survey.NeedRestore.Count} depend on one");

        DotnetRestore.Outcome? restored = null;
        if (restore && survey.NeedRestore.Count > 0)
        {
            progress($"restoring {survey.NeedRestore.Count} project(s) that can get packages"
                + (survey.Settled.Count > 0 ? $" ({survey.Settled.Count} other(s) need no restore)" : ""));
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            restored = await Heartbeat.WhileAsync(DotnetRestore.RunAsync(listed, standalone, survey.NeedRestore.ToHashSet(Output.ChangeWriter.PathComparer), scratchFolder, ct),
                "restoring", progress, ct).ConfigureAwait(false);
            failures.AddRange(restored.OtherErrors.Select(e => $"restore failure: {e}"));
            detail($"restored {survey.NeedRestore.Count} project(s) in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        }

        var gateStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var decisions = ProjectGate.Decide(survey, restored, ct);
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

        detail($"MSBuild evaluation decided the other {survey.NeedRestore.Count} project(s) in {System.Diagnostics.Stopwatch.GetElapsedTime(gateStarted).TotalSeconds:0.0} s"
            + $" ({survey.Reused} evaluation(s) still valid after the restore reused)");
        var partitions = MsBuildLoader.Plan(listed, standalone, partitionSize, p => decisions.TryGetValue(p, out var d) && d.Verdict == GateVerdict.Load);
        return new Prepared(partitions, decisions, decided.ToImmutable(), [.. failures], survey.CompileFiles());
    }
}
