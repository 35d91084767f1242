using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>TRN0003: replaces the near-miss column literal with the standard column it most likely meant.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NearMissColumnFixer))]
    [Shared]
    public sealed class NearMissColumnFixer : TextEditFixer
    {
        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NearMissColumn);

        /// <inheritdoc />
        protected override string EquivalenceKeyFor(string diagnosticId) => FixEquivalenceKeys.NearMissColumn;
    }
}
