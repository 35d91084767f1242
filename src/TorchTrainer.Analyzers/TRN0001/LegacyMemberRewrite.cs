using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Contract;

namespace TorchTrainer.Analyzers
{
    /// <summary>
    /// Decides how one use of <c>LossHistory</c> / <c>ValLossHistory</c> is rewritten. Works from the
    /// syntax plus the semantic model, so it serves both the analyzer (TRN0001, members present) and
    /// the code fix for CS1061 (v5.0, members gone: the legacy name itself does not bind).
    /// </summary>
    public static class LegacyMemberRewrite
    {
        private const string LossHistory = ContractMembers.LossHistory;
        private const string ValLossHistory = ContractMembers.ValLossHistory;
        private const string FinalLoss = ContractMembers.FinalLoss;

        /// <summary>Replacement of any other use of <c>LossHistory</c>.</summary>
        public const string TrainLoss = ContractMembers.MetricsSummary + "." + ContractMembers.TrainLoss;

        /// <summary>Replacement of any use of <c>ValLossHistory</c>.</summary>
        public const string ValLoss = ContractMembers.MetricsSummary + "." + ContractMembers.ValLoss;

        /// <summary>True for the names of the legacy members.</summary>
        public static bool IsLegacyName(string name) => name == LossHistory || name == ValLossHistory;

        /// <summary>What the use named by <paramref name="name"/> becomes, as the message names it (the decision of <see cref="Create"/>, without its edits).</summary>
        public static string ReplacementFor(SimpleNameSyntax name, SemanticModel model, CancellationToken cancellationToken) =>
            name.Identifier.ValueText == ValLossHistory ? ValLoss
            : TryGetLastElementRead(name, model, cancellationToken, out _) ? FinalLoss
            : TrainLoss;

        /// <summary>
        /// The rewrite of the use named by <paramref name="name"/> (the identifier <c>LossHistory</c> or
        /// <c>ValLossHistory</c> in a member access, a null-conditional member binding or a property pattern).
        /// </summary>
        public static FixData Create(SimpleNameSyntax name, SemanticModel model, CancellationToken cancellationToken)
        {
            var isVal = name.Identifier.ValueText == ValLossHistory;

            // The last training loss: r.LossHistory[^1], r.LossHistory.Last(), r.LossHistory[r.LossHistory.Count - 1].
            // ValLossHistory[^1] is deliberately not turned into FinalValLoss: that is double? rather than double,
            // and it is the last *validated* epoch while ValLossHistory[^1] is NaN when the last epoch was not validated.
            if (!isVal && TryGetLastElementRead(name, model, cancellationToken, out var lastRead))
            {
                return Single(FinalLoss, new TextChange(TextSpan.FromBounds(name.SpanStart, lastRead.Span.End), FinalLoss));
            }

            var replacement = isVal ? ValLoss : TrainLoss;
            var member = isVal ? ContractMembers.ValLoss : ContractMembers.TrainLoss;

            // { LossHistory: P } before C# 10 (no extended property patterns): { MetricsSummary: { TrainLoss: P } }.
            if (name.Parent is NameColonSyntax { Parent: SubpatternSyntax subpattern }
                && name.SyntaxTree.Options is CSharpParseOptions options
                && options.LanguageVersion < LanguageVersion.CSharp10)
            {
                return new FixData(replacement, ImmutableArray.Create(
                    new TextChange(name.Span, ContractMembers.MetricsSummary + ": { " + member),
                    new TextChange(new TextSpan(subpattern.Pattern.Span.End, 0), " }")));
            }

            // Every other use: the name becomes MetricsSummary.TrainLoss; the receiver (and ?.) stays as written.
            // new { r.LossHistory } and (r.LossHistory, x) take their member name from the expression: keep it.
            var change = new TextChange(name.Span, replacement);
            switch (OutermostAccess(name)?.Parent)
            {
                case AnonymousObjectMemberDeclaratorSyntax { NameEquals: null } declarator:
                    return new FixData(replacement, ImmutableArray.Create(new TextChange(new TextSpan(declarator.SpanStart, 0), name.Identifier.ValueText + " = "), change));
                case ArgumentSyntax { NameColon: null, Parent: TupleExpressionSyntax } element:
                    return new FixData(replacement, ImmutableArray.Create(new TextChange(new TextSpan(element.SpanStart, 0), name.Identifier.ValueText + ": "), change));
                default:
                    return Single(replacement, change);
            }
        }

        // r.X or the whole a?.b.X whose value the access to X is.
        private static ExpressionSyntax? OutermostAccess(SimpleNameSyntax name)
        {
            ExpressionSyntax? access = name.Parent switch
            {
                MemberAccessExpressionSyntax memberAccess when memberAccess.Name == name => memberAccess,
                MemberBindingExpressionSyntax binding => binding,
                _ => null,
            };
            while (access?.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == access)
            {
                access = conditional;
            }

            return access;
        }

        /// <summary>
        /// True when this name is the <c>LossHistory</c> inside the index of
        /// <c>r.LossHistory[r.LossHistory.Count - 1]</c> that is rewritten as a whole to <c>r.FinalLoss</c>:
        /// the outer use carries the diagnostic and the fix for both.
        /// </summary>
        public static bool IsInsideLastElementRead(SimpleNameSyntax name, SemanticModel model, CancellationToken cancellationToken, out SimpleNameSyntax outerName)
        {
            outerName = null!;
            if (name.Parent is MemberAccessExpressionSyntax inner && inner.Name == name
                && inner.Parent is MemberAccessExpressionSyntax count && count.Expression == inner
                && count.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } minus && minus.Left == count
                && minus.Parent is ArgumentSyntax { Parent: BracketedArgumentListSyntax { Parent: ElementAccessExpressionSyntax elementAccess } }
                && elementAccess.Expression is MemberAccessExpressionSyntax outer
                && outer.Name.Identifier.ValueText == name.Identifier.ValueText
                && TryGetLastElementRead(outer.Name, model, cancellationToken, out _))
            {
                outerName = outer.Name;
                return true;
            }

            return false;
        }

        private static FixData Single(string replacement, TextChange change) => new FixData(replacement, ImmutableArray.Create(change));

        private static bool TryGetLastElementRead(SimpleNameSyntax name, SemanticModel model, CancellationToken cancellationToken, out ExpressionSyntax lastRead)
        {
            lastRead = null!;
            if (name.Identifier.ValueText != LossHistory)
            {
                return false;
            }

            ExpressionSyntax access;
            switch (name.Parent)
            {
                case MemberAccessExpressionSyntax memberAccess when memberAccess.Name == name && memberAccess.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                    access = memberAccess;
                    break;
                case MemberBindingExpressionSyntax binding:
                    access = binding;
                    break;
                default:
                    return false;
            }

            ExpressionSyntax? candidate = null;
            if (access.Parent is ElementAccessExpressionSyntax elementAccess
                && elementAccess.Expression == access
                && elementAccess.ArgumentList.Arguments.Count == 1
                && elementAccess.ArgumentList.Arguments[0] is { NameColon: null } argument
                && argument.RefKindKeyword.IsKind(SyntaxKind.None))
            {
                if (IsHatOne(argument.Expression)
                    || (access is MemberAccessExpressionSyntax outer && IsCountMinusOne(argument.Expression, outer, model, cancellationToken)))
                {
                    candidate = elementAccess;
                }
            }
            else if (access.Parent is MemberAccessExpressionSyntax { Name: IdentifierNameSyntax { Identifier.ValueText: "Last" } } last
                && last.Expression == access
                && last.Parent is InvocationExpressionSyntax invocation
                && invocation.Expression == last
                && invocation.ArgumentList.Arguments.Count == 0
                && IsEnumerableLast(invocation, model, cancellationToken))
            {
                candidate = invocation;
            }

            if (candidate is null)
            {
                return false;
            }

            // The part that disappears must hold nothing but the code itself (no comments, no directives).
            var removed = TextSpan.FromBounds(name.SpanStart, candidate.Span.End);
            if (candidate.DescendantTrivia(removed).Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia)))
            {
                return false;
            }

            lastRead = candidate;
            return true;
        }

        private static bool IsHatOne(ExpressionSyntax expression) =>
            expression is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.IndexExpression, Operand: LiteralExpressionSyntax literal }
            && literal.Token.Value is int value && value == 1;

        // r.LossHistory.Count - 1, where r is the same side-effect-free receiver as the outer access.
        private static bool IsCountMinusOne(ExpressionSyntax expression, MemberAccessExpressionSyntax outer, SemanticModel model, CancellationToken cancellationToken) =>
            expression is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } minus
            && minus.Right is LiteralExpressionSyntax one && one.Token.Value is int value && value == 1
            && minus.Left is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" } count
            && count.IsKind(SyntaxKind.SimpleMemberAccessExpression)
            && count.Expression is MemberAccessExpressionSyntax inner
            && inner.IsKind(SyntaxKind.SimpleMemberAccessExpression)
            && inner.Name.Identifier.ValueText == LossHistory
            && SyntaxFactory.AreEquivalent(inner.Expression, outer.Expression, topLevel: false)
            && IsStableReceiver(outer.Expression, model, cancellationToken);

        // Locals, parameters, this and fields (and field chains): reading them twice gives the same object and runs no code.
        private static bool IsStableReceiver(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
        {
            switch (expression)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return IsStableReceiver(parenthesized.Expression, model, cancellationToken);
                case ThisExpressionSyntax:
                    return true;
                case IdentifierNameSyntax identifier:
                    var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
                    return symbol is ILocalSymbol || symbol is IParameterSymbol || symbol is IFieldSymbol;
                case MemberAccessExpressionSyntax memberAccess when memberAccess.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                    if (!(model.GetSymbolInfo(memberAccess, cancellationToken).Symbol is IFieldSymbol field))
                    {
                        return false;
                    }

                    return field.IsStatic || IsStableReceiver(memberAccess.Expression, model, cancellationToken);
                default:
                    return false;
            }
        }

        // System.Linq.Enumerable.Last<T>(this IEnumerable<T>) without a predicate.
        private static bool IsEnumerableLast(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol bound)
            {
                return IsEnumerableLastMethod(bound.ReducedFrom ?? bound);
            }

            // The receiver does not bind (v5.0: the legacy member is gone). Ask what Last() would bind to
            // on the replacement's type, IReadOnlyList<double>, at this position: only Enumerable.Last may apply.
            var list = model.Compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
            if (list is null)
            {
                return false;
            }

            var listOfDouble = list.Construct(model.Compilation.GetSpecialType(SpecialType.System_Double));
            var candidates = model.LookupSymbols(invocation.SpanStart, listOfDouble, "Last", includeReducedExtensionMethods: true)
                .OfType<IMethodSymbol>()
                .Where(m => m.Parameters.Length == 0)
                .ToList();
            return candidates.Count == 1 && IsEnumerableLastMethod(candidates[0].ReducedFrom ?? candidates[0]);
        }

        private static bool IsEnumerableLastMethod(IMethodSymbol method) =>
            method.Name == "Last"
            && method.Parameters.Length == 1
            && method.ContainingType is { Name: "Enumerable" } type
            && type.ContainingNamespace is { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        /// <summary>
        /// The identifier that names the member in the syntax of a property reference: <c>r.X</c>,
        /// <c>r?.X</c>, <c>{ X: … }</c> or <c>{ X.Y: … }</c>.
        /// </summary>
        public static SimpleNameSyntax? FindName(SyntaxNode syntax, string name)
        {
            switch (syntax)
            {
                case MemberAccessExpressionSyntax memberAccess when memberAccess.Name.Identifier.ValueText == name:
                    return memberAccess.Name;
                case MemberBindingExpressionSyntax binding when binding.Name.Identifier.ValueText == name:
                    return binding.Name;
                case IdentifierNameSyntax identifier when identifier.Identifier.ValueText == name:
                    return identifier;
                case SubpatternSyntax subpattern:
                    return subpattern.NameColon is { } nameColon
                        ? FindName(nameColon.Name, name)
                        : subpattern.ExpressionColon is { } expressionColon ? FindName(expressionColon.Expression, name) : null;
                default:
                    return null;
            }
        }
    }
}
