using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TorchTrainer.Analyzers
{
    /// <summary>TRN0002: flags a legacy key (<c>"loss_history"</c>, <c>"val_loss_history"</c>) read through <c>TrainingResults[string]</c>.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LegacyKeyAnalyzer : TorchTrainerAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.LegacyKey);

        /// <inheritdoc />
        protected override void Register(CompilationStartAnalysisContext context, TorchTrainerTypes types, bool strictLegacyApi)
        {
            if (types.ResultsStringIndexer is null)
            {
                return;
            }

            var severity = LegacySeverity(Descriptors.LegacyKey, strictLegacyApi);
            context.RegisterOperationAction(c => Analyze(c, types, severity), OperationKind.PropertyReference);
        }

        private static void Analyze(OperationAnalysisContext context, TorchTrainerTypes types, DiagnosticSeverity severity)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            if (!SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, types.ResultsStringIndexer)
                || reference.Arguments.Length != 1
                || !(reference.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string key })
                || reference.SemanticModel is null)
            {
                return;
            }

            string replacement;
            if (key == Contract.KeyNames.LossHistory)
            {
                replacement = LegacyMemberRewrite.TrainLoss;
            }
            else if (key == Contract.KeyNames.ValLossHistory)
            {
                replacement = LegacyMemberRewrite.ValLoss;
            }
            else
            {
                return;
            }

            // Only what the message names is decided here; the code fix computes the edits (LegacyKeyRewrite.Create),
            // whose cast decision may bind the rewritten call speculatively: no build pays for that.
            var location = reference.Arguments[0].Value.Syntax.GetLocation();
            context.ReportDiagnostic(FixData.CreateDecisionDiagnostic(Descriptors.LegacyKey, location, severity, replacement, key, replacement));
        }
    }
}
