using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

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

            BracketedArgumentListSyntax? brackets = reference.Syntax switch
            {
                ElementAccessExpressionSyntax access => access.ArgumentList,
                ElementBindingExpressionSyntax binding => binding.ArgumentList,
                _ => null,
            };
            if (brackets is null)
            {
                return;
            }

            var fix = CreateFix(reference, brackets, replacement, types, context.CancellationToken);
            var location = reference.Arguments[0].Value.Syntax.GetLocation();
            context.ReportDiagnostic(fix.CreateDiagnostic(Descriptors.LegacyKey, location, severity, key, replacement));
        }

        // r["loss_history"] -> r.MetricsSummary.TrainLoss. The indexer's static type is object and the replacement's
        // is IReadOnlyList<double>: where that could change what the code binds to, the result is cast back to object.
        private static FixData CreateFix(IPropertyReferenceOperation reference, BracketedArgumentListSyntax brackets, string replacement, TorchTrainerTypes types, CancellationToken cancellationToken)
        {
            var member = new TextChange(brackets.Span, "." + replacement);

            // The expression whose value is the indexer's: r[...] itself, or the whole a?.b[...] it ends.
            IOperation outer = reference;
            while (outer.Parent is IConditionalAccessOperation conditional && conditional.WhenNotNull == outer)
            {
                outer = conditional;
            }

            if (outer.Parent is IConditionalAccessOperation || !NeedsObjectCast(outer, member, types, cancellationToken))
            {
                // In the middle of a ?. chain no cast can be placed; the chain goes on with the typed list.
                return new FixData(replacement, ImmutableArray.Create(member));
            }

            // The cast wraps the expression that ends with the brackets: r[...] or a?.b[...].
            var syntax = outer.Syntax;
            var parenthesize = NeedsParentheses(syntax);
            return new FixData(replacement, ImmutableArray.Create(
                new TextChange(new TextSpan(syntax.SpanStart, 0), parenthesize ? "((object)" : "(object)"),
                new TextChange(member.Span, member.NewText + (parenthesize ? ")" : string.Empty))));
        }

        private static bool NeedsObjectCast(IOperation outer, TextChange member, TorchTrainerTypes types, CancellationToken cancellationToken)
        {
            var model = outer.SemanticModel!;
            switch (outer.Parent)
            {
                case IConversionOperation conversion when conversion.OperatorMethod is null:
                    // (IReadOnlyList<double>)r[...], r[...] as IEnumerable<double>, dynamic d = r[...]: same reference either way.
                    if (conversion.Type is null)
                    {
                        return true;
                    }

                    if (conversion.Type.TypeKind == TypeKind.Dynamic)
                    {
                        return false;
                    }

                    var fromList = model.Compilation.ClassifyConversion(types.ReadOnlyListOfDouble, conversion.Type);
                    return !(fromList.IsImplicit && (fromList.IsIdentity || fromList.IsReference));

                case IVariableInitializerOperation initializer:
                    // object o = r[...] keeps its type; var o = r[...] would not.
                    return initializer.Parent is IVariableDeclaratorOperation
                        && !(initializer.Syntax.Parent is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type.IsVar: false } });

                case ISimpleAssignmentOperation assignment when assignment.Value == outer:
                    return assignment.Target.Type?.SpecialType != SpecialType.System_Object;

                case IInterpolationOperation interpolation:
                    // $"{r[...]}" formats the same object whatever its static type, unless a custom handler overloads on it.
                    return !(interpolation.Parent is IInterpolatedStringOperation text
                        && text.Type?.SpecialType == SpecialType.System_String
                        && !(text.Parent is IInterpolatedStringHandlerCreationOperation));

                case IArgumentOperation argument when argument.Parent is IInvocationOperation || argument.Parent is IObjectCreationOperation:
                    return !BindsToSameMember(argument.Parent!, outer.Syntax, member, model, cancellationToken);

                case IReturnOperation { Kind: OperationKind.Return } ret:
                    return !(model.GetEnclosingSymbol(ret.Syntax.SpanStart, cancellationToken) is IMethodSymbol method
                        && method.MethodKind != MethodKind.AnonymousFunction
                        && !method.IsAsync
                        && method.ReturnType.SpecialType == SpecialType.System_Object);

                default:
                    return true;
            }
        }

        // Console.WriteLine(r[...]) -> Console.WriteLine(r.MetricsSummary.TrainLoss): same overload? Checked by binding the rewritten call speculatively.
        private static bool BindsToSameMember(IOperation call, SyntaxNode expression, TextChange member, SemanticModel model, CancellationToken cancellationToken)
        {
            if (!(call.Syntax is ExpressionSyntax callSyntax) || call.Syntax.Parent is ConditionalAccessExpressionSyntax)
            {
                return false;
            }

            var original = model.GetSymbolInfo(callSyntax, cancellationToken).Symbol;
            if (original is null)
            {
                return false;
            }

            var text = expression.ToString();
            var start = member.Span.Start - expression.SpanStart;
            var rewritten = text.Substring(0, start) + member.NewText + text.Substring(start + member.Span.Length);
            var newCall = callSyntax.ReplaceNode(expression, SyntaxFactory.ParseExpression(rewritten).WithTriviaFrom(expression));
            var speculative = model.GetSpeculativeSymbolInfo(callSyntax.SpanStart, newCall, SpeculativeBindingOption.BindAsExpression).Symbol;
            return SymbolEqualityComparer.Default.Equals(original, speculative);
        }

        private static bool NeedsParentheses(SyntaxNode expression) =>
            !(expression.Parent is ArgumentSyntax
              || expression.Parent is EqualsValueClauseSyntax
              || expression.Parent is ReturnStatementSyntax
              || expression.Parent is ArrowExpressionClauseSyntax
              || (expression.Parent is LambdaExpressionSyntax lambda && lambda.Body == expression)
              || expression.Parent is CastExpressionSyntax
              || expression.Parent is ParenthesizedExpressionSyntax
              || expression.Parent is InitializerExpressionSyntax
              || expression.Parent is InterpolationSyntax
              || (expression.Parent is AssignmentExpressionSyntax assignment && assignment.Right == expression)
              || expression.Parent is ExpressionStatementSyntax);
    }
}
