using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Contract;

namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>
    /// The second tier of TRN0001's rewrites: where a <c>ValLossHistory</c> use is part of a report shape with a v4
    /// summary member, the whole shape becomes that member. These change values on some runs (hence second choice,
    /// titled with the difference, never applied by Fix All or dotnet format):
    /// <list type="bullet">
    /// <item><c>Math.Exp(V[^1])</c> → <c>Perplexity</c>; <c>V[^1]</c>, <c>V.Last()</c>, <c>V[V.Count - 1]</c> →
    /// <c>FinalValLoss</c>: both read the last <em>validated</em> epoch, where <c>V[^1]</c> is NaN when the last epoch
    /// was not validated (and throws without validation data, where these are null).</item>
    /// <item>arg-min + 1 over V (<c>V.ToList().IndexOf(V.Min()) + 1</c>, <c>V.Select((v, i) => (v, i)).MinBy(t => t.v).i + 1</c>,
    /// <c>… OrderBy(…).First() …</c>) → <c>BestEpoch</c>, which skips NaN epochs (<c>Min()</c> returns NaN when any is NaN).</item>
    /// </list>
    /// Types: <c>FinalValLoss</c> and <c>Perplexity</c> are <c>double?</c>. Inside an interpolation hole (<c>{x:F4}</c>) a
    /// <c>double?</c> prints exactly what the <c>double</c> printed, so the member is used bare (the seed's report).
    /// Everywhere else the rewrite is <c>(r.FinalValLoss ?? double.NaN)</c>: still a <c>double</c>, so overloads, <c>var</c>
    /// and arithmetic keep their meaning, and NaN is what the legacy read gave for a missing validation.
    /// The rewrite is decided here, in the fixer, not in the analyzer: only the light bulb and <c>trainer-migrate
    /// --idiomatic</c> need it, and every build would otherwise pay for it.
    /// </summary>
    public static class IdiomaticRewrite
    {
        /// <summary>The result of recognising a shape: the member it becomes, the action's title and the edit.</summary>
        public sealed class Result
        {
            internal Result(string member, string title, TextChange change)
            {
                Member = member;
                Title = title;
                Change = change;
            }

            /// <summary>The v4 member the shape becomes (Perplexity, FinalValLoss, BestEpoch).</summary>
            public string Member { get; }

            /// <summary>The code action's title, naming the semantic difference.</summary>
            public string Title { get; }

            /// <summary>The one edit: the whole shape replaced.</summary>
            public TextChange Change { get; }
        }

        /// <summary>Title of the rewrite to <c>Perplexity</c>.</summary>
        public const string PerplexityTitle = "Use 'Perplexity' (last validated epoch)";

        /// <summary>Title of the rewrite to <c>FinalValLoss</c>.</summary>
        public const string FinalValLossTitle = "Use 'FinalValLoss' (last validated epoch)";

        /// <summary>Title of the rewrite to <c>BestEpoch</c>.</summary>
        public const string BestEpochTitle = "Use 'BestEpoch' (NaN epochs skipped)";

        /// <summary>The idiomatic rewrite of the <c>ValLossHistory</c> use named by <paramref name="name"/>; null when its shape is not one of ours.</summary>
        public static Result? TryCreate(SimpleNameSyntax name, SemanticModel model, CancellationToken cancellationToken)
        {
            if (name.Identifier.ValueText != ContractMembers.ValLossHistory
                || !(name.Parent is MemberAccessExpressionSyntax access)
                || access.Name != name
                || !access.IsKind(SyntaxKind.SimpleMemberAccessExpression))
            {
                return null;
            }

            if (ArgMinShapes.TryBestEpoch(access, model, cancellationToken) is { } best)
            {
                return HoldsOnlyCode(name.SyntaxTree.GetRoot(cancellationToken), best.Span)
                    ? new Result(ContractMembers.BestEpoch, BestEpochTitle, new TextChange(best.Span, best.Text))
                    : null;
            }

            return TryLastValidated(access, model, cancellationToken);
        }

        private static Result? TryLastValidated(MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken)
        {
            // V inside the index of V[V.Count - 1]: the outer read is the shape.
            if (access.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" } count
                && count.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } minus && minus.Left == count
                && minus.Parent is ArgumentSyntax { Parent: BracketedArgumentListSyntax { Parent: ElementAccessExpressionSyntax outer } }
                && outer.Expression is MemberAccessExpressionSyntax outerAccess
                && outerAccess.Name.Identifier.ValueText == ContractMembers.ValLossHistory)
            {
                access = outerAccess;
            }

            var last = LastRead(access, model, cancellationToken);
            if (last is null)
            {
                return null;
            }

            if (last.Parent is ArgumentSyntax { NameColon: null, Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax exp } }
                && ArgMinShapes.IsMethod(model.GetSymbolInfo(exp, cancellationToken).Symbol, "Exp", "Math", "System"))
            {
                return Create(ContractMembers.Perplexity, PerplexityTitle, exp, access.Expression);
            }

            return Create(ContractMembers.FinalValLoss, FinalValLossTitle, last, access.Expression);
        }

        // V[^1], V.Last() or V[V.Count - 1] around the access V (both receivers written the same; the rewrite reads it once).
        private static ExpressionSyntax? LastRead(MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken)
        {
            if (access.Parent is ElementAccessExpressionSyntax element && element.Expression == access
                && element.ArgumentList.Arguments.Count == 1 && element.ArgumentList.Arguments[0].NameColon is null)
            {
                var index = element.ArgumentList.Arguments[0].Expression;
                var hatOne = index is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.IndexExpression, Operand: LiteralExpressionSyntax { Token.Value: 1 } };
                var countMinusOne = index is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression, Right: LiteralExpressionSyntax { Token.Value: 1 } } minus
                    && minus.Left is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count", Expression: MemberAccessExpressionSyntax inner }
                    && ArgMinShapes.IsSameLegacyRead(inner, access, model, cancellationToken);
                return hatOne || countMinusOne ? element : null;
            }

            if (access.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Last" } lastCall
                && lastCall.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } invocation
                && ArgMinShapes.IsMethod(model.GetSymbolInfo(invocation, cancellationToken).Symbol, "Last", "Enumerable", "System.Linq"))
            {
                return invocation;
            }

            return null;
        }

        // The replaced span disappears: it must hold nothing but code (no comment, no directive would be lost).
        private static bool HoldsOnlyCode(SyntaxNode node, TextSpan span) =>
            !node.DescendantTrivia(span).Any(t => span.Contains(t.Span) && !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia));

        // FinalValLoss and Perplexity are double?: bare in an interpolation hole, `?? double.NaN` elsewhere.
        private static Result? Create(string member, string title, ExpressionSyntax shape, ExpressionSyntax receiver)
        {
            if (!HoldsOnlyCode(shape, shape.Span))
            {
                return null;
            }

            var read = receiver.ToString() + "." + member;
            string text;
            if (shape.Parent is InterpolationSyntax)
            {
                text = read;
            }
            else
            {
                var coalesced = read + " ?? double.NaN";
                text = NeedsNoParentheses(shape) ? coalesced : "(" + coalesced + ")";
            }

            return new Result(member, title, new TextChange(shape.Span, text));
        }

        // Contexts where `a ?? b` reads as one value without parentheses.
        private static bool NeedsNoParentheses(ExpressionSyntax shape) =>
            shape.Parent is EqualsValueClauseSyntax
                or ArgumentSyntax
                or ReturnStatementSyntax
                or ArrowExpressionClauseSyntax
                or ParenthesizedExpressionSyntax
                || (shape.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment && assignment.Right == shape);
    }
}
