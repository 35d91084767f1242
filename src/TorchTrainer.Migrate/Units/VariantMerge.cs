using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// What the configurations of one unit (a project's, a file-based app's) found and fixed, merged so that the verdict
/// does not depend on their order: one finding per place and rule (left unfixed by any configuration, it is unfixed),
/// and per file the union of the configurations' rewrites, applied once; two configurations rewriting the same code
/// differently is a conflict, and that file is not written.
/// </summary>
internal sealed class VariantMerge
{
    private readonly Dictionary<(string, int, int, int, int, string), Finding> _findings = [];
    private readonly Dictionary<string, (string Original, List<(TextChange Change, string Label)> Changes)> _changes = new(ChangeWriter.PathComparer);

    /// <summary>One file's merged rewrite: its new text, or the conflict (1-based line, the two labels) that keeps it unwritten.</summary>
    internal sealed record MergedFile(string Path, string Original, string? Text, (int Line, string First, string Second)? Conflict);

    public IReadOnlyList<Finding> Findings => [.. _findings.Values];

    /// <summary>The fixable findings per rule.</summary>
    public IReadOnlyDictionary<string, int> FixedPerRule() =>
        _findings.Values.Where(f => f.Status != FindingStatus.Unfixable).GroupBy(f => f.RuleId, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    public void AddFindings(IEnumerable<Finding> findings)
    {
        foreach (var finding in findings)
        {
            // The same use seen by several configurations is one finding; left unfixed by any of them, it is unfixed.
            var key = (finding.Path, finding.Line, finding.Column, finding.EndLine, finding.EndColumn, finding.RuleId);
            if (!_findings.TryGetValue(key, out var seen) || (seen.Status != FindingStatus.Unfixable && finding.Status == FindingStatus.Unfixable))
            {
                _findings[key] = finding;
            }
        }
    }

    /// <summary>
    /// What the engine found and fixed in one configuration (<paramref name="project"/>, labelled
    /// <paramref name="label"/>): its findings, located in each document's file, and its rewrite of each file.
    /// </summary>
    public async Task AddAsync(Microsoft.CodeAnalysis.Project project, Fixing.EngineResult engineResult, string label, CancellationToken ct)
    {
        foreach (var group in engineResult.Initial.GroupBy(f => f.DocumentId))
        {
            var document = project.GetDocument(group.Key)!;
            var path = document.FilePath!;
            var oldText = engineResult.Changed.TryGetValue(group.Key, out var texts) ? texts.Old : await document.GetTextAsync(ct).ConfigureAwait(false);
            AddFindings(FindingMapper.MapFindings(group, engineResult.Unfixed.Where(u => u.DocumentId == group.Key), oldText, texts.New ?? oldText,
                d => FindingMapper.FromLineSpan(d, path), d => FindingMapper.FromLineSpan(d, path)));
        }

        foreach (var (documentId, (oldText, newText)) in engineResult.Changed)
        {
            AddRewrite(project.GetDocument(documentId)!.FilePath!, oldText, newText, label);
        }
    }

    /// <summary>One configuration's rewrite of a file (<paramref name="oldText"/> as every configuration read it).</summary>
    public void AddRewrite(string path, SourceText oldText, SourceText newText, string label)
    {
        if (!_changes.TryGetValue(path, out var entry))
        {
            _changes[path] = entry = (oldText.ToString(), []);
        }

        entry.Changes.AddRange(TextEdits.Changes(oldText, newText).Select(c => (c, label)));
    }

    /// <summary>Every rewritten file, in path order.</summary>
    public IEnumerable<MergedFile> Merged()
    {
        foreach (var (path, (original, all)) in _changes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var merged = all.DistinctBy(c => (c.Change.Span, c.Change.NewText)).OrderBy(c => c.Change.Span.Start).ThenBy(c => c.Change.Span.End).ToList();
            var conflict = merged.Zip(merged.Skip(1)).FirstOrDefault(p => p.First.Change.Span.End > p.Second.Change.Span.Start
                || (p.First.Change.Span.Start == p.Second.Change.Span.Start));
            if (conflict != default)
            {
                var line = SourceText.From(original).Lines.GetLineFromPosition(conflict.Second.Change.Span.Start).LineNumber + 1;
                yield return new MergedFile(path, original, null, (line, conflict.First.Label, conflict.Second.Label));
                continue;
            }

            var (text, _) = TextEdits.Apply(original, merged.Select(c => c.Change), [], TextFile.DetectNewLine(original));
            yield return new MergedFile(path, original, text, null);
        }
    }

    /// <summary>What the user is told of a conflict.</summary>
    public static string ConflictMessage(string shownPath, (int Line, string First, string Second) conflict) =>
        $"{shownPath}:{conflict.Line}: the fixes under {conflict.First} and {conflict.Second} rewrite the same code differently; the file was not written (fix it by hand)";
}
