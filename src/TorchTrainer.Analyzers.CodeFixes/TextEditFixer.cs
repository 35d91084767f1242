using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>
    /// Base of the TorchTrainer code fixes: the analyzer has decided the rewrite and put it in the
    /// diagnostic (<see cref="FixData"/>); the fix applies its text edits, so comments and formatting
    /// outside the edited spans are untouched. Fix All merges the edits of every diagnostic in scope.
    /// </summary>
    public abstract class TextEditFixer : CodeFixProvider
    {
        /// <inheritdoc />
        public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <summary>The equivalence key of the fixes of <paramref name="diagnosticId"/>.</summary>
        protected abstract string EquivalenceKeyFor(string diagnosticId);

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                var fix = FixData.FromDiagnostic(diagnostic) ?? await ComputeFixAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (fix is not null)
                {
                    Register(context, diagnostic, fix);
                    await RegisterSecondChoicesAsync(context, diagnostic).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// Registers code actions offered after the exact fix (which stays first, the default and Fix All's choice),
        /// each with an equivalence key of its own tier.
        /// </summary>
        protected virtual Task RegisterSecondChoicesAsync(CodeFixContext context, Diagnostic diagnostic) => Task.CompletedTask;

        /// <summary>A code action that applies <paramref name="edits"/> to the context's document.</summary>
        protected static CodeAction CreateAction(CodeFixContext context, string title, IEnumerable<TextChange> edits, string equivalenceKey)
        {
            var document = context.Document;
            return CodeAction.Create(title, cancellationToken => ApplyAsync(document, edits, cancellationToken), equivalenceKey);
        }

        /// <summary>The rewrite of a diagnostic that carries none (a compiler diagnostic); null when there is none.</summary>
        protected virtual Task<FixData?> ComputeFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken) =>
            Task.FromResult<FixData?>(null);

        private void Register(CodeFixContext context, Diagnostic diagnostic, FixData fix)
        {
            context.RegisterCodeFix(CreateAction(context, "Use '" + fix.Replacement + "'", fix.Edits, EquivalenceKeyFor(diagnostic.Id)), diagnostic);
        }

        private static async Task<Document> ApplyAsync(Document document, IEnumerable<TextChange> edits, CancellationToken cancellationToken)
        {
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var valid = edits.Where(e => e.Span.End <= text.Length).OrderBy(e => e.Span.Start).ToList();
            for (var i = 1; i < valid.Count; i++)
            {
                if (valid[i].Span.Start < valid[i - 1].Span.End)
                {
                    return document; // overlapping edits: not produced by our analyzers; leave the document alone
                }
            }

            return document.WithText(text.WithChanges(valid));
        }
    }
}
