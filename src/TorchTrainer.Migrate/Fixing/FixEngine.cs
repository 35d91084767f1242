using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Fixing;

/// <summary>
/// Computes the diagnostics of a project with the given analyzers, applies each ID's fixes in one batch
/// through the provider's Fix All (one equivalence key per ID), and repeats until nothing changes or
/// the pass bound is reached. What is still reported afterwards comes back with a reason.
/// With <c>idiomatic</c>, the diagnostics whose fixer offers an idiomatic action (equivalence key ending in
/// <see cref="IdiomaticKeySuffix"/>) are fixed with it first, the others with the exact fix, in the same pass.
/// </summary>
internal sealed class FixEngine
{
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly HashSet<string> _ids;
    private readonly HashSet<string> _compilerIds;
    private readonly Dictionary<string, List<CodeFixProvider>> _fixersById = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _maxPasses;
    private readonly bool _idiomatic;

    /// <summary>The suffix of the equivalence keys of the idiomatic tier (the TorchTrainer fixes' convention).</summary>
    public const string IdiomaticKeySuffix = TorchTrainer.Analyzers.CodeFixes.FixEquivalenceKeys.IdiomaticSuffix;

    public FixEngine(AnalyzerSet set, IEnumerable<string> diagnosticIds, int maxPasses = 3, bool idiomatic = false)
    {
        _idiomatic = idiomatic;
        _ids = new HashSet<string>(diagnosticIds, StringComparer.OrdinalIgnoreCase);
        _maxPasses = Math.Max(1, maxPasses);
        _analyzers = [.. set.Analyzers.Where(a => a.SupportedDiagnostics.Any(d => _ids.Contains(d.Id)))];
        _compilerIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var fixer in set.Fixers)
        {
            var fixable = fixer.FixableDiagnosticIds;
            if (!fixable.Any(_ids.Contains))
            {
                continue;
            }

            foreach (var id in fixable)
            {
                // A fixer of our IDs may also repair compiler errors on the same code (CS1061 once the legacy members are gone).
                if (id.StartsWith("CS", StringComparison.OrdinalIgnoreCase) && !_ids.Contains(id))
                {
                    _compilerIds.Add(id);
                }

                if (_ids.Contains(id) || _compilerIds.Contains(id))
                {
                    if (!_fixersById.TryGetValue(id, out var list))
                    {
                        _fixersById[id] = list = [];
                    }

                    list.Add(fixer);
                }
            }
        }
    }

    public async Task<EngineResult> RunAsync(Project project, Func<Document, bool> include, CancellationToken ct)
    {
        var original = project;
        var included = project.Documents.Where(include).Select(d => d.Id).ToImmutableHashSet();
        var problems = new List<string>();
        var initial = await AnalyzeAsync(project, included, problems, ct).ConfigureAwait(false);
        var current = initial;
        var fixedPerRule = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var passes = 0;
        while (current.Count > 0 && passes < _maxPasses)
        {
            passes++;
            var next = await FixPassAsync(project, current, problems, ct).ConfigureAwait(false);
            if (next is null)
            {
                break;
            }

            var after = await AnalyzeAsync(next, included, problems, ct).ConfigureAwait(false);
            foreach (var id in current.Select(f => f.Id).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var gone = current.Count(f => f.Id == id) - after.Count(f => f.Id == id);
                if (gone > 0)
                {
                    fixedPerRule[id] = fixedPerRule.GetValueOrDefault(id) + gone;
                }
            }

            project = next;
            current = after;
        }

        var unfixed = new List<UnfixedDiagnostic>();
        foreach (var found in current)
        {
            var reason = await ExplainAsync(project, found, passes, ct).ConfigureAwait(false);
            unfixed.Add(new UnfixedDiagnostic(found.DocumentId, found.Diagnostic, reason));
        }

        var changed = new Dictionary<DocumentId, (SourceText, SourceText)>();
        foreach (var id in project.GetChanges(original).GetChangedDocuments(onlyGetDocumentsWithTextChanges: true))
        {
            var oldText = await original.GetDocument(id)!.GetTextAsync(ct).ConfigureAwait(false);
            var newText = await project.GetDocument(id)!.GetTextAsync(ct).ConfigureAwait(false);
            if (!oldText.ContentEquals(newText))
            {
                changed[id] = (oldText, newText);
            }
        }

        return new EngineResult
        {
            Initial = initial,
            Unfixed = unfixed,
            Changed = changed,
            FixedPerRule = fixedPerRule,
            Problems = problems.Distinct().ToArray(),
        };
    }

    private async Task<List<FoundDiagnostic>> AnalyzeAsync(Project project, ImmutableHashSet<DocumentId> included, List<string> problems, CancellationToken ct)
    {
        var found = new List<FoundDiagnostic>();
        var compilation = await project.GetCompilationAsync(ct).ConfigureAwait(false);
        if (compilation is null)
        {
            return found;
        }

        var original = compilation;
        compilation = LegacyRulesAlwaysOn.Apply(compilation);

        // Compiler diagnostics (CS1061 & co., for fixers that also repair code where the legacy members are gone) come
        // from the same CompilationWithAnalyzers as the analyzers' ones: asking the plain compilation for them as well
        // would bind every method body a second time, on a second compilation instance.
        var diagnostics = ImmutableArray<Diagnostic>.Empty;
        if (!_analyzers.IsEmpty)
        {
            var options = new CompilationWithAnalyzersOptions(project.AnalyzerOptions, onAnalyzerException: null,
                concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);
            var withAnalyzers = compilation.WithAnalyzers(_analyzers, options);
            diagnostics = _compilerIds.Count > 0
                ? await withAnalyzers.GetAllDiagnosticsAsync(ct).ConfigureAwait(false)
                : await withAnalyzers.GetAnalyzerDiagnosticsAsync(ct).ConfigureAwait(false);
        }
        else if (_compilerIds.Count > 0)
        {
            diagnostics = compilation.GetDiagnostics(ct);
        }

        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Id == "AD0001")
            {
                problems.Add($"{project.Name}: an analyzer failed: {diagnostic.GetMessage()}");
                continue;
            }

            if (_ids.Contains(diagnostic.Id))
            {
                if (Include(project, diagnostic, included) is { } documentId)
                {
                    found.Add(new FoundDiagnostic(documentId, diagnostic));
                    if (LegacyRulesAlwaysOn.TurnedOffBy(original, diagnostic) is { } how)
                    {
                        problems.Add($"{project.Name}: {diagnostic.Id} is turned off here ({how}); its uses are reported and fixed all the same: "
                            + "turning the warning off does not keep the code working, the legacy members are removed in TorchTrainer 5.0");
                    }
                }
            }
            else if (_compilerIds.Contains(diagnostic.Id) && Include(project, diagnostic, included) is { } documentId
                && await OffersFixAsync(project.GetDocument(documentId)!, diagnostic, ct).ConfigureAwait(false))
            {
                found.Add(new FoundDiagnostic(documentId, diagnostic));
            }
        }

        found.Sort((a, b) => a.DocumentId == b.DocumentId
            ? a.Span.Start.CompareTo(b.Span.Start)
            : a.DocumentId.Id.CompareTo(b.DocumentId.Id));
        return found;
    }

    private static DocumentId? Include(Project project, Diagnostic diagnostic, ImmutableHashSet<DocumentId> included)
    {
        if ((diagnostic.IsSuppressed && !LegacyRulesAlwaysOn.Ids.Contains(diagnostic.Id)) || !diagnostic.Location.IsInSource || diagnostic.Location.SourceTree is not { } tree)
        {
            return null;
        }

        var documentId = project.GetDocumentId(tree);
        return documentId is not null && included.Contains(documentId) ? documentId : null;
    }

    private async Task<bool> OffersFixAsync(Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        foreach (var fixer in _fixersById.GetValueOrDefault(diagnostic.Id) ?? [])
        {
            if ((await FixAllBatch.GetActionsAsync(fixer, document, diagnostic, ct).ConfigureAwait(false)).Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One pass: every ID's Fix All against the same snapshot, text changes merged (overlaps wait for the next pass).</summary>
    private async Task<Project?> FixPassAsync(Project project, List<FoundDiagnostic> diagnostics, List<string> problems, CancellationToken ct)
    {
        var accepted = new Dictionary<DocumentId, List<TextChange>>();
        foreach (var group in diagnostics.GroupBy(d => d.Id, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var fixer in _fixersById.GetValueOrDefault(group.Key) ?? [])
            {
                try
                {
                    if (await FixAllBatch.ApplyAsync(project, fixer, group.Key, [.. group], accepted, _idiomatic, ct).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    problems.Add($"{project.Name}: the code fix {fixer.GetType().Name} failed on {group.Key}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        if (accepted.Count == 0)
        {
            return null;
        }

        var solution = project.Solution;
        foreach (var (documentId, changes) in accepted)
        {
            var text = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
            solution = solution.WithDocumentText(documentId, text.WithChanges(changes.OrderBy(c => c.Span.Start)));
        }

        return solution.GetProject(project.Id);
    }

    private async Task<string> ExplainAsync(Project project, FoundDiagnostic found, int passes, CancellationToken ct)
    {
        if (!_fixersById.TryGetValue(found.Id, out var fixers) || fixers.Count == 0)
        {
            return $"no code fix is registered for {found.Id}";
        }

        var document = project.GetDocument(found.DocumentId)!;
        foreach (var fixer in fixers)
        {
            List<CodeAction> actions;
            try
            {
                actions = await FixAllBatch.GetActionsAsync(fixer, document, found.Diagnostic, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return $"the code fix failed: {ex.GetType().Name}: {ex.Message}";
            }

            if (actions.Count == 0)
            {
                continue;
            }

            if (fixer.GetFixAllProvider() is null)
            {
                return "its code fix has no Fix All, which the tool needs";
            }

            return passes >= _maxPasses
                ? $"still reported after {passes} fix passes"
                : $"a fix is offered ('{actions[0].Title}') but applying it did not remove the diagnostic";
        }

        return "the code fix offers no rewrite for this use (fix it by hand)";
    }
}
