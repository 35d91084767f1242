using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Analyzers
{
    /// <summary>
    /// How TRN0002's <c>r["loss_history"]</c> is rewritten, computed by the code fix: <c>r.MetricsSummary.TrainLoss</c>,
    /// cast back to <c>object</c> where the typed list could change what the code binds to.
    /// </summary>
    public static class LegacyKeyRewrite
    {
        /// <summary>
        /// The rewrite of the read <paramref name="reference"/> (<c>r["loss_history"]</c>) to <paramref name="replacement"/>.
        /// The indexer's static type is object and the replacement's is IReadOnlyList&lt;double&gt;: where that could change
        /// what the code binds to, the result is cast back to object.
        /// </summary>
        public static FixData? Create(IPropertyReferenceOperation reference, string replacement, INamedTypeSymbol readOnlyListOfDouble, CancellationToken cancellationToken)
        {
            BracketedArgumentListSyntax? brackets = reference.Syntax switch
            {
                ElementAccessExpressionSyntax access => access.ArgumentList,
                ElementBindingExpressionSyntax binding => binding.ArgumentList,
                _ => null,
            };
            if (brackets is null || reference.SemanticModel is null)
            {
                return null;
            }

            var member = new TextChange(brackets.Span, "." + replacement);

            // The expression whose value is the indexer's: r[...] itself, or the whole a?.b[...] it ends.
            IOperation outer = reference;
            while (outer.Parent is IConditionalAccessOperation conditional && conditional.WhenNotNull == outer)
            {
                outer = conditional;
            }

            if (outer.Parent is IConditionalAccessOperation || !NeedsObjectCast(outer, member, readOnlyListOfDouble, cancellationToken))
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

        private static bool NeedsObjectCast(IOperation outer, TextChange member, INamedTypeSymbol readOnlyListOfDouble, CancellationToken cancellationToken)
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

                    var fromList = model.Compilation.ClassifyConversion(readOnlyListOfDouble, conversion.Type);
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
