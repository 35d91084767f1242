using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Analyzers
{
    /// <summary>
    /// TRN0003: flags a string literal passed as a column to <c>MetricsSummary[string]</c>,
    /// <c>MetricsSummary.TryGetColumn</c> or <c>EpochMetrics[string]</c> that is a near miss of a standard column.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NearMissColumnAnalyzer : TorchTrainerAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.NearMissColumn);

        /// <inheritdoc />
        protected override void Register(CompilationStartAnalysisContext context, TorchTrainerTypes types, bool strictLegacyApi)
        {
            // Not a legacy-API rule: strict mode leaves it a warning.
            context.RegisterOperationAction(
                c =>
                {
                    var reference = (IPropertyReferenceOperation)c.Operation;
                    var owner = reference.Property.ContainingType?.OriginalDefinition;
                    if (reference.Property.IsIndexer
                        && (SymbolEqualityComparer.Default.Equals(owner, types.MetricsSummary) || SymbolEqualityComparer.Default.Equals(owner, types.EpochMetrics)))
                    {
                        AnalyzeColumnArgument(c, reference.Arguments);
                    }
                },
                OperationKind.PropertyReference);
            context.RegisterOperationAction(
                c =>
                {
                    var invocation = (IInvocationOperation)c.Operation;
                    if (invocation.TargetMethod.Name == "TryGetColumn"
                        && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType?.OriginalDefinition, types.MetricsSummary))
                    {
                        AnalyzeColumnArgument(c, invocation.Arguments);
                    }
                },
                OperationKind.Invocation);
        }

        private static void AnalyzeColumnArgument(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { Ordinal: 0 } parameter
                    && parameter.Type.SpecialType == SpecialType.System_String
                    && argument.Value.Syntax is LiteralExpressionSyntax literal
                    && literal.IsKind(SyntaxKind.StringLiteralExpression)
                    && literal.Token.Value is string column
                    && Contract.ColumnNames.SuggestFor(column) is { } suggestion)
                {
                    var fix = new FixData(suggestion, ImmutableArray.Create(new TextChange(literal.Span, SymbolDisplay.FormatLiteral(suggestion, quote: true))));
                    context.ReportDiagnostic(fix.CreateDiagnostic(Descriptors.NearMissColumn, literal.GetLocation(), Descriptors.NearMissColumn.DefaultSeverity, column, suggestion));
                }
            }
        }
    }
}
