namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// What the <see cref="ProjectGate"/> knows before any restore: the projects it settled (no restore can change their
/// verdict) and those a restore must come first for. It keeps its evaluations, which the decision after the restore
/// reuses where the restore left a project's imports unchanged (a no-op restore: all of them).
/// </summary>
internal sealed class GateSurvey(IReadOnlyDictionary<string, GateDecision> settled, IReadOnlyList<string> needRestore, GateEvaluator evaluator) : IDisposable
{
    private GateEvaluator? _afterRestore;

    public IReadOnlyDictionary<string, GateDecision> Settled { get; } = settled;

    /// <summary>The projects whose verdict depends on the restore output, in ordinal order.</summary>
    public IReadOnlyList<string> NeedRestore { get; } = needRestore;

    /// <summary>The evaluator for the decisions after the restore (made once, when first asked, i.e. after the restore ran).</summary>
    internal GateEvaluator AfterRestore() => _afterRestore ??= new GateEvaluator(evaluator);

    /// <summary>Every file a surveyed project's Compile items name (its evaluation under the gate's configuration).</summary>
    public IReadOnlySet<string> CompileFiles() => evaluator.CompileFiles().ToHashSet(Output.ChangeWriter.PathComparer);

    /// <summary>How many survey evaluations the decision after the restore reused (the restore left their imports unchanged).</summary>
    public int Reused => _afterRestore?.Reused ?? 0;

    public void Dispose()
    {
        _afterRestore?.Dispose();
        evaluator.Dispose();
    }
}
