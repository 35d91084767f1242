using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Analyzers.CodeFixes;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>Runs the analyzers and the code fixes on a single document outside the testing library.</summary>
public static class Fixing
{
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => RuleCatalog.Analyzers;

    public static ImmutableArray<CodeFixProvider> Fixers => RuleCatalog.Fixers;

    /// <summary>A one-document project referencing the given TorchTrainer.</summary>
    public static Document CreateDocument(AdhocWorkspace workspace, string source, LibraryVersion version, OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "P" + projectId.Id.ToString("N"), "P" + projectId.Id.ToString("N"), LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: TorchTrainerLibrary.References(version)));
        var documentId = DocumentId.CreateNewId(projectId);
        return solution.AddDocument(documentId, "Program.cs", SourceText.From(source)).GetDocument(documentId)!;
    }

    /// <summary>The analyzer diagnostics of the document's project; throws if an analyzer threw.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            document.Project.AnalyzerOptions,
            (exception, analyzer, diagnostic) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
        if (exceptions.Count > 0 || diagnostics.Any(d => d.Id == "AD0001"))
        {
            throw new AggregateException("An analyzer threw (AD0001)", exceptions);
        }

        return diagnostics;
    }

    /// <summary>The code actions every fixer offers for <paramref name="diagnostic"/>.</summary>
    public static async Task<List<CodeAction>> GetFixesAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        foreach (var fixer in Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        }

        return actions;
    }

    /// <summary>Applies a code action and returns the changed document.</summary>
    public static async Task<Document> ApplyAsync(Document document, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetDocument(document.Id)!;
    }

    /// <summary>
    /// Fixes everything the way <c>trainer-migrate --idiomatic</c> does: while a diagnostic offers an idiomatic action
    /// (equivalence key ending in <see cref="FixEquivalenceKeys.IdiomaticSuffix"/>), Fix All with that key; then the exact fixes.
    /// </summary>
    public static async Task<Document> FixAllIdiomaticAsync(Document document)
    {
        for (var iteration = 0; iteration < 10; iteration++)
        {
            string? key = null;
            Diagnostic[] group = [];
            foreach (var diagnostic in (await AnalyzeAsync(document)).OrderBy(d => d.Location.SourceSpan.Start))
            {
                key = (await GetFixesAsync(document, diagnostic)).Select(a => a.EquivalenceKey).FirstOrDefault(k => k!.EndsWith(FixEquivalenceKeys.IdiomaticSuffix, StringComparison.Ordinal));
                if (key is not null)
                {
                    group = (await AnalyzeAsync(document)).Where(d => d.Id == diagnostic.Id).ToArray();
                    break;
                }
            }

            if (key is null)
            {
                return await FixAllAsync(document);
            }

            var fixer = Fixers.First(f => f.FixableDiagnosticIds.Contains(group[0].Id));
            var context = new FixAllContext(document, fixer, FixAllScope.Document, key, new[] { group[0].Id }, new FixedDiagnostics(group.ToImmutableArray()), CancellationToken.None);
            document = await ApplyAsync(document, (await fixer.GetFixAllProvider()!.GetFixAsync(context))!);
        }

        throw new InvalidOperationException("The idiomatic fixes did not converge.");
    }

    /// <summary>
    /// Fixes everything the way dotnet format does: per diagnostic ID, the equivalence key of the first action offered
    /// for the first diagnostic, then Fix All (the fixer's batch fixer) in document scope with that key.
    /// </summary>
    public static async Task<Document> FixAllAsync(Document document, bool includeCompilerErrors = false)
    {
        for (var iteration = 0; iteration < 10; iteration++)
        {
            var diagnostics = await GetFixableDiagnosticsAsync(document, includeCompilerErrors);
            var changed = false;
            foreach (var group in diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var first = group.OrderBy(d => d.Location.SourceSpan.Start).First();
                var fixer = Fixers.First(f => f.FixableDiagnosticIds.Contains(group.Key));
                var actions = await GetFixesAsync(document, first);
                if (actions.Count == 0)
                {
                    continue;
                }

                var context = new FixAllContext(document, fixer, FixAllScope.Document, actions[0].EquivalenceKey, new[] { group.Key }, new FixedDiagnostics(group.ToImmutableArray()), CancellationToken.None);
                var fixAll = await fixer.GetFixAllProvider()!.GetFixAsync(context);
                if (fixAll is null)
                {
                    continue;
                }

                document = await ApplyAsync(document, fixAll);
                changed = true;
                break; // diagnostics of other IDs were computed on the old text
            }

            if (!changed)
            {
                return document;
            }
        }

        throw new InvalidOperationException("The fixes did not converge.");
    }

    private static async Task<IEnumerable<Diagnostic>> GetFixableDiagnosticsAsync(Document document, bool includeCompilerErrors)
    {
        var diagnostics = (await AnalyzeAsync(document)).AsEnumerable();
        if (includeCompilerErrors)
        {
            var ids = Fixers.SelectMany(f => f.FixableDiagnosticIds).ToHashSet();
            diagnostics = diagnostics.Concat((await document.GetSemanticModelAsync())!.GetDiagnostics().Where(d => ids.Contains(d.Id)));
        }

        return diagnostics;
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
