using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>TRN0002: <c>r["loss_history"]</c> becomes <c>r.MetricsSummary.TrainLoss</c> (cast to object where its type matters).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LegacyKeyFixer))]
    [Shared]
    public sealed class LegacyKeyFixer : TextEditFixer
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LegacyKey);

        /// <inheritdoc />
        protected override string EquivalenceKeyFor(string diagnosticId) => FixEquivalenceKeys.LegacyKey;

        /// <summary>The diagnostic names the replacement (its decision); the edits are computed here, on the key's read.</summary>
        protected override async Task<FixData?> ComputeFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null || !diagnostic.Location.IsInSource || diagnostic.Location.SourceSpan.End > root.FullSpan.End
                || !diagnostic.Properties.TryGetValue(FixData.ReplacementKey, out var replacement) || replacement is null
                || TorchTrainerTypes.TryCreate(model.Compilation) is not { } types)
            {
                return null;
            }

            // The key literal is the argument of r[...] or of ?[...].
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var read = node.FirstAncestorOrSelf<ExpressionSyntax>(e => e is ElementAccessExpressionSyntax || e is ElementBindingExpressionSyntax);
            return read is not null && model.GetOperation(read, cancellationToken) is IPropertyReferenceOperation reference
                ? LegacyKeyRewrite.Create(reference, replacement, types.ReadOnlyListOfDouble, cancellationToken)
                : null;
        }
    }
}
