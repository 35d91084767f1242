using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Fixing;

/// <summary>
/// One ID's fixes applied in a batch, as an IDE's Fix All or dotnet format applies them: the provider's Fix All over a
/// fixed set of diagnostics (not re-analysed), under one equivalence key, its text changes merged into the pass.
/// </summary>
internal static class FixAllBatch
{
    /// <summary>
    /// Applies <paramref name="fixer"/>'s Fix All to this ID's diagnostics, under the equivalence key most of them are
    /// offered first (with <paramref name="idiomatic"/>, first the idiomatic key for those that offer one), and adds the
    /// text changes that overlap nothing already <paramref name="accepted"/> this pass. True when any was added.
    /// </summary>
    public static async Task<bool> ApplyAsync(Project project, CodeFixProvider fixer, string id, List<FoundDiagnostic> group,
        Dictionary<DocumentId, List<TextChange>> accepted, bool idiomatic, CancellationToken ct)
    {
        if (fixer.GetFixAllProvider() is null)
        {
            return false;
        }

        // The equivalence key: the one most of this ID's diagnostics are offered first; with --idiomatic, first the
        // idiomatic key for the diagnostics that offer one.
        var exactKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var idiomaticKeys = new Dictionary<string, List<FoundDiagnostic>>(StringComparer.Ordinal);
        var exact = new List<FoundDiagnostic>();
        foreach (var found in group)
        {
            var actions = await GetActionsAsync(fixer, project.GetDocument(found.DocumentId)!, found.Diagnostic, ct).ConfigureAwait(false);
            var idiomaticKey = idiomatic
                ? actions.Select(a => a.EquivalenceKey).FirstOrDefault(k => k?.EndsWith(FixEngine.IdiomaticKeySuffix, StringComparison.Ordinal) == true)
                : null;
            if (idiomaticKey is not null)
            {
                if (!idiomaticKeys.TryGetValue(idiomaticKey, out var members))
                {
                    idiomaticKeys[idiomaticKey] = members = [];
                }

                members.Add(found);
            }
            else if (actions.Count > 0)
            {
                var key = actions[0].EquivalenceKey ?? string.Empty;
                exactKeys[key] = exactKeys.GetValueOrDefault(key) + 1;
                exact.Add(found);
            }
        }

        var any = false;
        foreach (var (key, members) in idiomaticKeys)
        {
            any |= await ApplyFixAllAsync(project, fixer, id, members, key, accepted, ct).ConfigureAwait(false);
        }

        if (exactKeys.Count > 0)
        {
            any |= await ApplyFixAllAsync(project, fixer, id, exact, exactKeys.MaxBy(k => k.Value).Key, accepted, ct).ConfigureAwait(false);
        }

        return any;
    }

    private static async Task<bool> ApplyFixAllAsync(Project project, CodeFixProvider fixer, string id, List<FoundDiagnostic> group,
        string equivalenceKey, Dictionary<DocumentId, List<TextChange>> accepted, CancellationToken ct)
    {
        var fixAll = fixer.GetFixAllProvider()!;
        var provider = new FixedSetDiagnosticProvider(group
            .GroupBy(f => f.DocumentId)
            .ToDictionary(g => g.Key, g => g.Select(f => f.Diagnostic).ToImmutableArray()));
        var context = new FixAllContext(project, fixer, FixAllScope.Project,
            equivalenceKey.Length == 0 ? null : equivalenceKey, [id], provider, ct);
        var action = await fixAll.GetFixAsync(context).ConfigureAwait(false);
        if (action is null)
        {
            return false;
        }

        var operations = await action.GetOperationsAsync(ct).ConfigureAwait(false);
        if (operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution.GetProject(project.Id) is not { } fixedProject)
        {
            return false;
        }

        var any = false;
        foreach (var documentId in fixedProject.GetChanges(project).GetChangedDocuments(onlyGetDocumentsWithTextChanges: true))
        {
            var before = project.GetDocument(documentId);
            var after = fixedProject.GetDocument(documentId);
            if (before is null || after is null)
            {
                continue;
            }

            var changes = (await after.GetTextChangesAsync(before, ct).ConfigureAwait(false)).ToList();
            if (changes.Count == 0)
            {
                continue;
            }

            if (!accepted.TryGetValue(documentId, out var existing))
            {
                accepted[documentId] = existing = [];
            }

            if (changes.Any(c => existing.Any(e => Overlaps(c.Span, e.Span))))
            {
                continue; // another ID rewrote the same code this pass; this one is retried on the next pass
            }

            existing.AddRange(changes);
            any = true;
        }

        return any;
    }

    private static bool Overlaps(TextSpan a, TextSpan b) =>
        a.OverlapsWith(b) || (a.Start == b.Start) || (a.IsEmpty && b.Contains(a.Start)) || (b.IsEmpty && a.Contains(b.Start));

    /// <summary>The code actions <paramref name="fixer"/> offers for one diagnostic, in its order.</summary>
    public static async Task<List<CodeAction>> GetActionsAsync(CodeFixProvider fixer, Document document, Diagnostic diagnostic, CancellationToken ct)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), ct);
        await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return actions;
    }

    private sealed class FixedSetDiagnosticProvider(IReadOnlyDictionary<DocumentId, ImmutableArray<Diagnostic>> byDocument)
        : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(byDocument.TryGetValue(document.Id, out var d) ? d : []);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>([]);

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(byDocument.Where(kv => kv.Key.ProjectId == project.Id).SelectMany(kv => kv.Value).ToArray());
    }
}
