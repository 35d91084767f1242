using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TorchTrainer.Analyzers
{
    /// <summary>TRN0001: flags every use of <c>TrainingResults.LossHistory</c> / <c>ValLossHistory</c>.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LegacyMemberAnalyzer : TorchTrainerAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.LegacyMember);

        /// <inheritdoc />
        protected override void Register(CompilationStartAnalysisContext context, TorchTrainerTypes types, bool strictLegacyApi)
        {
            if (types.LossHistory is null && types.ValLossHistory is null)
            {
                return; // v5.0: nothing left to flag (the code fix handles the resulting CS1061).
            }

            var severity = LegacySeverity(Descriptors.LegacyMember, strictLegacyApi);
            context.RegisterOperationAction(c => Analyze(c, types, severity), OperationKind.PropertyReference);
        }

        private static void Analyze(OperationAnalysisContext context, TorchTrainerTypes types, DiagnosticSeverity severity)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            var property = reference.Property.OriginalDefinition;
            if (!SymbolEqualityComparer.Default.Equals(property, types.LossHistory)
                && !SymbolEqualityComparer.Default.Equals(property, types.ValLossHistory))
            {
                return;
            }

            if (IsInNameOf(reference) || reference.SemanticModel is null)
            {
                return;
            }

            var name = LegacyMemberRewrite.FindName(reference.Syntax, property.Name);
            if (name is null
                || LegacyMemberRewrite.IsInsideLastElementRead(name, reference.SemanticModel, context.CancellationToken, out _))
            {
                return;
            }

            // Only what the message names is decided here; the code fix computes the edits (LegacyMemberRewrite.Create).
            var replacement = LegacyMemberRewrite.ReplacementFor(name, reference.SemanticModel, context.CancellationToken);
            context.ReportDiagnostic(FixData.CreateDecisionDiagnostic(Descriptors.LegacyMember, name.GetLocation(), severity, replacement, property.Name, replacement));
        }

        private static bool IsInNameOf(IOperation operation)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is INameOfOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
