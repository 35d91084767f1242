using TorchTrainer.Migrate.Fixing;

namespace TorchTrainer.Migrate.Cli;

/// <summary>Which rules a run applies: the requested ones (--diagnostics), all of which an analyzer must report.</summary>
internal static class RuleSelection
{
    /// <summary>The rule IDs, or the error that stops the run.</summary>
    public static (IReadOnlyList<string> Ids, string? Error) Select(IReadOnlyList<string> requested, AnalyzerSet analyzers)
    {
        var ids = requested.Count > 0
            ? requested.SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : analyzers.Descriptors.Keys.Where(k => k.StartsWith("TRN", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        if (analyzers.Analyzers.IsEmpty || ids.Count == 0)
        {
            return (ids, $"no TorchTrainer analyzers found in {analyzers.Source}; this build of trainer-migrate cannot check anything");
        }

        var unknown = ids.Where(id => !analyzers.Descriptors.ContainsKey(id)).ToList();
        return unknown.Count > 0
            ? (ids, $"--diagnostics: unknown diagnostic ID {string.Join(", ", unknown)} (known: {string.Join(", ", analyzers.Descriptors.Keys.Order(StringComparer.Ordinal))})")
            : (ids, null);
    }
}
