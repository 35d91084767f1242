using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// Finds legacy names in code that no analysed configuration compiles (e.g. <c>#if SOMETHING_NEVER_DEFINED</c>): the
/// analyzers cannot see it, so the gate must not pass it silently. Disabled code is the disabled-text trivia of each
/// configuration's syntax tree; a span counts only when it is disabled under every configuration.
/// </summary>
internal static class InactiveCode
{
    /// <summary>A legacy name in code that no configuration compiles: where, and which name.</summary>
    internal sealed record Hit(string Path, int Line, string Name);

    /// <summary>What the user is told: the configurations analysed, the name, and the fix.</summary>
    public static string Reason(Hit hit, IReadOnlyList<ProjectVariant> variants) =>
        $"inactive under every configuration ({string.Join(", ", variants.Select(v => v.Label))}): '{hit.Name}' sits in a preprocessor branch none of them compiles; "
        + "migrate it by hand or analyse a configuration that defines its symbol";

    /// <summary>The legacy names in the files' code that is disabled under every one of <paramref name="variants"/>.</summary>
    public static async Task<IReadOnlyList<Hit>> FindAsync(IReadOnlyList<ProjectVariant> variants, Func<string, bool> include, CancellationToken ct)
    {
        // Per file: the disabled spans of each variant that compiles it (the files' original texts, so spans compare).
        var disabled = new Dictionary<string, List<List<TextSpan>>>(Output.ChangeWriter.PathComparer);
        var texts = new Dictionary<string, SourceText>(Output.ChangeWriter.PathComparer);
        foreach (var variant in variants)
        {
            foreach (var document in variant.Project.Documents)
            {
                if (document.FilePath is not { } path || !include(path))
                {
                    continue;
                }

                var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                if (root is null)
                {
                    continue;
                }

                var spans = root.DescendantTrivia(descendIntoTrivia: true)
                    .Where(t => t.IsKind(SyntaxKind.DisabledTextTrivia))
                    .Select(t => t.Span)
                    .ToList();
                if (!disabled.TryGetValue(path, out var perVariant))
                {
                    disabled[path] = perVariant = [];
                    texts[path] = await document.GetTextAsync(ct).ConfigureAwait(false);
                }

                perVariant.Add(spans);
            }
        }

        var hits = new List<Hit>();
        foreach (var (path, perVariant) in disabled.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var text = texts[path];
            foreach (var span in perVariant.Aggregate(Intersect))
            {
                foreach (Match match in LegacyNames.Pattern.Matches(text.ToString(span)))
                {
                    var line = text.Lines.GetLineFromPosition(span.Start + match.Index).LineNumber + 1;
                    hits.Add(new Hit(path, line, match.Value));
                }
            }
        }

        return hits;
    }

    /// <summary>The parts common to two sorted lists of disjoint spans.</summary>
    private static List<TextSpan> Intersect(List<TextSpan> a, List<TextSpan> b)
    {
        var result = new List<TextSpan>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            if (a[i].Intersection(b[j]) is { IsEmpty: false } common)
            {
                result.Add(common);
            }

            if (a[i].End <= b[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }
}
