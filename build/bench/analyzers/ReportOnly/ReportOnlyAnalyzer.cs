// The benchmark's control: reports a plain diagnostic (BENCH0001) at every place TRN0001/TRN0002 report one,
// registered the same way (compilation start, property-reference operations, concurrent, no generated code), but
// computes no rewrite, no properties and no additional locations. Its ReportAnalyzer time is what reporting that
// many diagnostics costs an analyzer that does nothing else: the floor for the TorchTrainer analyzers.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bench.ReportOnly
{
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ReportOnlyAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = new DiagnosticDescriptor(
            "BENCH0001", "Legacy use (control)", "Legacy use of {0}", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                INamedTypeSymbol? results = null;
                foreach (var assembly in start.Compilation.SourceModule.ReferencedAssemblySymbols)
                {
                    if (assembly.Identity.Name == "TorchTrainer")
                    {
                        results = assembly.GetTypeByMetadataName("TorchTrainer.TrainingResults");
                    }
                }

                if (results is null)
                {
                    return;
                }

                start.RegisterOperationAction(c => Analyze(c, results), OperationKind.PropertyReference);
            });
        }

        private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol results)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            var property = reference.Property.OriginalDefinition;
            if (!SymbolEqualityComparer.Default.Equals(property.ContainingType, results))
            {
                return;
            }

            if ((property.Name == "LossHistory" || property.Name == "ValLossHistory") && reference.Syntax is MemberAccessExpressionSyntax access)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, access.Name.GetLocation(), property.Name));
            }
            else if (property.IsIndexer && reference.Arguments.Length == 1
                && reference.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string key }
                && (key == "loss_history" || key == "val_loss_history"))
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, reference.Arguments[0].Value.Syntax.GetLocation(), key));
            }
        }
    }
}
