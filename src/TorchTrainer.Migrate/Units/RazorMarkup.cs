using Microsoft.CodeAnalysis;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// Finds legacy names in a project's Razor files (.razor, .cshtml). Their C# is compiled from code the Razor generator
/// writes, which the analyzers skip like all generated code (the build does not warn there either), so a
/// <c>@results["val_loss_history"]</c> in a page would pass the gate and fail at run time under v5.0: each one is
/// named as not analysed.
/// </summary>
internal static class RazorMarkup
{
    /// <summary>The legacy names in the Razor files <paramref name="claim"/> accepts (each file once for the run).</summary>
    public static async Task<IReadOnlyList<LegacyNames.Unseen>> FindAsync(IEnumerable<Project> projects, Func<string, bool> claim, CancellationToken ct)
    {
        var hits = new List<LegacyNames.Unseen>();
        var files = projects.SelectMany(p => p.AdditionalDocuments)
            .Where(d => d.FilePath is { } path && (path.EndsWith(".razor", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".cshtml", StringComparison.OrdinalIgnoreCase)))
            .DistinctBy(d => d.FilePath!, Output.ChangeWriter.PathComparer)
            .OrderBy(d => d.FilePath, StringComparer.Ordinal);
        foreach (var document in files)
        {
            if (!claim(document.FilePath!))
            {
                continue;
            }

            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            hits.AddRange(LegacyNames.UnseenIn(document.FilePath!, text, Reason));
        }

        return hits;
    }

    private static string Reason(string name) =>
        $"'{name}' in Razor markup: its C# is generated, and the TorchTrainer analyzers (like the build) skip generated code; "
        + "migrate it by hand (the TRN0001 and TRN0002 rule pages give each rewrite)";
}
