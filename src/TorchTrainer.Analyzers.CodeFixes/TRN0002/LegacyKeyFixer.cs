using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

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
    }
}
