using System.Collections.Generic;
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
    /// The hand-written "best epoch" over <c>ValLossHistory</c> (V) that <see cref="IdiomaticRewrite"/> turns into
    /// <c>BestEpoch</c>: the first index of the lowest loss, plus one. Recognised shapes, all with the same receiver:
    /// <c>V.ToList().IndexOf(V.Min()) + 1</c> (also <c>new List&lt;double&gt;(V)</c>, <c>Array.IndexOf(V.ToArray(), V.Min())</c>,
    /// <c>1 + …</c>); <c>V.Select((v, i) => (v, i)).MinBy(t => t.v).i + 1</c> (tuple or anonymous type, any names, or
    /// <c>.OrderBy(t => t.v).First()</c>); and the loop <c>var best = 0; for (var i = 1; i &lt; V.Count; i++) if (V[i] &lt; V[best]) best = i;</c>,
    /// whose declaration becomes <c>var best = r.BestEpoch - 1;</c>. Each keeps the first of equal minima, as BestEpoch does.
    /// </summary>
    internal static class ArgMinShapes
    {
        /// <summary>The recognised shape around <paramref name="access"/> and the receiver of its V; null when there is none.</summary>
        /// <remarks>The span covers the expression, or for the loop, the declaration's <c>0;</c> through the loop's end (replaced by <c>R.BestEpoch - 1;</c>).</remarks>
        public static (TextSpan Span, string Text)? TryBestEpoch(
            MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken)
        {
            for (SyntaxNode? node = access.Parent; node is ExpressionSyntax || node is ArgumentSyntax || node is ArgumentListSyntax; node = node.Parent)
            {
                if (node is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add)
                {
                    var other = IsOne(add.Right) ? add.Left : IsOne(add.Left) ? add.Right : null;
                    if (other is not null && IsArgMin(other, access, model, cancellationToken))
                    {
                        return (add.Span, access.Expression + "." + ContractMembers.BestEpoch);
                    }
                }
            }

            return TryLoop(access, model, cancellationToken) is { } loop
                ? (TextSpan.FromBounds(loop.Initializer.SpanStart, loop.Loop.Span.End), access.Expression + "." + ContractMembers.BestEpoch + " - 1;")
                : null;
        }

        /// <summary>True when <paramref name="symbol"/> is the method <paramref name="name"/> of type <paramref name="type"/> in namespace <paramref name="ns"/>.</summary>
        public static bool IsMethod(ISymbol? symbol, string name, string type, string ns) =>
            symbol is IMethodSymbol method
            && (method.ReducedFrom ?? method).Name == name
            && method.ContainingType is { } containing
            && containing.Name == type
            && containing.ContainingNamespace.ToDisplayString() == ns;

        /// <summary>True when <paramref name="candidate"/> is <c>R.ValLossHistory</c> with the receiver written as in <paramref name="access"/>.</summary>
        public static bool IsSameLegacyRead(ExpressionSyntax candidate, MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken) =>
            candidate is MemberAccessExpressionSyntax other
            && other.IsKind(SyntaxKind.SimpleMemberAccessExpression)
            && other.Name.Identifier.ValueText == ContractMembers.ValLossHistory
            && SyntaxFactory.AreEquivalent(other.Expression, access.Expression, topLevel: false)
            && model.GetSymbolInfo(other, cancellationToken).Symbol is IPropertySymbol { ContainingType.Name: ContractTypes.TrainingResults };

        private static bool IsOne(ExpressionSyntax expression) => expression is LiteralExpressionSyntax { Token.Value: 1 };

        private static bool IsArgMin(ExpressionSyntax expression, MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken)
        {
            expression = Unparenthesize(expression);
            if (expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: var count } invocation)
            {
                var symbol = model.GetSymbolInfo(invocation, cancellationToken).Symbol;
                var args = invocation.ArgumentList.Arguments;

                // list.IndexOf(V.Min()) with list = V.ToList() or new List<double>(V).
                if (count == 1 && invocation.Expression is MemberAccessExpressionSyntax { Expression: var list }
                    && IsMethod(symbol, "IndexOf", "List", "System.Collections.Generic"))
                {
                    return IsMinOf(args[0].Expression, access, model, cancellationToken) && IsCopyOf(list, access, model, cancellationToken);
                }

                // Array.IndexOf(V.ToArray(), V.Min()).
                if (count == 2 && IsMethod(symbol, "IndexOf", "Array", "System"))
                {
                    return IsLinqCall(args[0].Expression, "ToArray", access, model, cancellationToken)
                        && IsMinOf(args[1].Expression, access, model, cancellationToken);
                }

                return false;
            }

            // V.Select((v, i) => (v, i)).MinBy(t => t.v).i, or .OrderBy(t => t.v).First().i
            if (expression is MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax picked } indexRead)
            {
                var pickedSymbol = model.GetSymbolInfo(picked, cancellationToken).Symbol;
                ExpressionSyntax? ordered = null;
                if (IsMethod(pickedSymbol, "MinBy", "Enumerable", "System.Linq") && picked.ArgumentList.Arguments.Count == 1)
                {
                    ordered = picked;
                }
                else if (IsMethod(pickedSymbol, "First", "Enumerable", "System.Linq") && picked.ArgumentList.Arguments.Count == 0
                    && picked.Expression is MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax orderBy }
                    && IsMethod(model.GetSymbolInfo(orderBy, cancellationToken).Symbol, "OrderBy", "Enumerable", "System.Linq")
                    && orderBy.ArgumentList.Arguments.Count == 1)
                {
                    ordered = orderBy;
                }

                if (ordered is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax select } } key
                    && IsMethod(model.GetSymbolInfo(select, cancellationToken).Symbol, "Select", "Enumerable", "System.Linq")
                    && select.Expression is MemberAccessExpressionSyntax { Expression: var source }
                    && IsSameLegacyRead(source, access, model, cancellationToken)
                    && select.ArgumentList.Arguments.Count == 1
                    && PairMembers(select.ArgumentList.Arguments[0].Expression) is { } pair)
                {
                    return SelectsMember(key.ArgumentList.Arguments[0].Expression, pair.Value)
                        && pair.Index.Contains(indexRead.Name.Identifier.ValueText);
                }
            }

            return false;
        }

        private static bool IsMinOf(ExpressionSyntax expression, MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken) =>
            IsLinqCall(expression, "Min", access, model, cancellationToken);

        // V.Name() with no argument, Name a System.Linq.Enumerable method.
        private static bool IsLinqCall(ExpressionSyntax expression, string name, MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken) =>
            Unparenthesize(expression) is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Expression: var source } } call
            && IsSameLegacyRead(source, access, model, cancellationToken)
            && IsMethod(model.GetSymbolInfo(call, cancellationToken).Symbol, name, "Enumerable", "System.Linq");

        private static bool IsCopyOf(ExpressionSyntax list, MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken) =>
            IsLinqCall(list, "ToList", access, model, cancellationToken)
            || (Unparenthesize(list) is ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 1, Initializer: null } creation
                && IsSameLegacyRead(creation.ArgumentList.Arguments[0].Expression, access, model, cancellationToken)
                && model.GetTypeInfo(creation, cancellationToken).Type is INamedTypeSymbol { Name: "List" });

        // (v, i) => (v, i) / new { v, i } / (Value: v, Index: i): the names under which the value and the index can be read.
        private static (HashSet<string> Value, HashSet<string> Index)? PairMembers(ExpressionSyntax selector)
        {
            if (!(selector is ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 2, ExpressionBody: { } body } lambda))
            {
                return null;
            }

            var value = lambda.ParameterList.Parameters[0].Identifier.ValueText;
            var index = lambda.ParameterList.Parameters[1].Identifier.ValueText;
            var members = new List<(string? Name, ExpressionSyntax Expression, string? Positional)>();
            switch (Unparenthesize(body))
            {
                case TupleExpressionSyntax { Arguments.Count: 2 } tuple:
                    for (var i = 0; i < 2; i++)
                    {
                        members.Add((tuple.Arguments[i].NameColon?.Name.Identifier.ValueText, tuple.Arguments[i].Expression, "Item" + (i + 1)));
                    }

                    break;
                case AnonymousObjectCreationExpressionSyntax { Initializers.Count: 2 } anonymous:
                    foreach (var initializer in anonymous.Initializers)
                    {
                        members.Add((initializer.NameEquals?.Name.Identifier.ValueText, initializer.Expression, null));
                    }

                    break;
                default:
                    return null;
            }

            var valueNames = new HashSet<string>();
            var indexNames = new HashSet<string>();
            foreach (var (name, expression, positional) in members)
            {
                if (!(expression is IdentifierNameSyntax identifier))
                {
                    return null;
                }

                var names = identifier.Identifier.ValueText == value ? valueNames : identifier.Identifier.ValueText == index ? indexNames : null;
                if (names is null)
                {
                    return null;
                }

                names.Add(name ?? identifier.Identifier.ValueText);
                if (positional is not null)
                {
                    names.Add(positional);
                }
            }

            return valueNames.Count > 0 && indexNames.Count > 0 ? (valueNames, indexNames) : null;
        }

        // t => t.v (or (t) => t.v) reading one of the value's names.
        private static bool SelectsMember(ExpressionSyntax key, HashSet<string> valueNames)
        {
            var (parameter, body) = key switch
            {
                SimpleLambdaExpressionSyntax simple => (simple.Parameter.Identifier.ValueText, simple.ExpressionBody),
                ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized =>
                    (parenthesized.ParameterList.Parameters[0].Identifier.ValueText, parenthesized.ExpressionBody),
                _ => (null, null),
            };
            return body is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax target } read
                && target.Identifier.ValueText == parameter
                && valueNames.Contains(read.Name.Identifier.ValueText);
        }

        // int best = 0; for (var i = 0 or 1; i < V.Count; i++) if (V[i] < V[best]) best = i;  →  the span from "0" to the loop's end.
        private static (ExpressionSyntax Initializer, ForStatementSyntax Loop)? TryLoop(MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellationToken)
        {
            var loop = access.FirstAncestorOrSelf<ForStatementSyntax>();
            if (loop is null
                || !(PreviousStatement(loop) is LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } declaration)
                || !(declaration.Declaration.Variables[0].Initializer?.Value is LiteralExpressionSyntax { Token.Value: 0 } zero)
                || loop.Declaration?.Variables is not { Count: 1 } indexVariables
                || !(indexVariables[0].Initializer?.Value is LiteralExpressionSyntax { Token.Value: 0 or 1 })
                || loop.Incrementors.Count != 1)
            {
                return null;
            }

            var best = declaration.Declaration.Variables[0].Identifier.ValueText;
            var index = indexVariables[0].Identifier.ValueText;
            var increments = loop.Incrementors[0] is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression, Operand: IdentifierNameSyntax post } && post.Identifier.ValueText == index
                || loop.Incrementors[0] is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression, Operand: IdentifierNameSyntax pre } && pre.Identifier.ValueText == index;
            var bounded = loop.Condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression, Left: IdentifierNameSyntax i, Right: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count", Expression: var counted } }
                && i.Identifier.ValueText == index
                && IsSameLegacyRead(counted, access, model, cancellationToken);
            var body = loop.Statement is BlockSyntax { Statements.Count: 1 } single ? single.Statements[0] : loop.Statement;
            if (!increments || !bounded || !(body is IfStatementSyntax { Else: null } test))
            {
                return null;
            }

            var assignment = test.Statement is BlockSyntax { Statements.Count: 1 } inner ? inner.Statements[0] : test.Statement;
            var keeps = assignment is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax left, Right: IdentifierNameSyntax right } }
                && left.Identifier.ValueText == best && right.Identifier.ValueText == index;
            var lower = test.Condition switch
            {
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression } less => IsElement(less.Left, index) && IsElement(less.Right, best),
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.GreaterThanExpression } greater => IsElement(greater.Left, best) && IsElement(greater.Right, index),
                _ => false,
            };
            if (!keeps || !lower)
            {
                return null;
            }

            return (zero, loop);

            bool IsElement(ExpressionSyntax expression, string variable) =>
                expression is ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments } element
                && arguments[0].Expression is IdentifierNameSyntax name && name.Identifier.ValueText == variable
                && IsSameLegacyRead(element.Expression, access, model, cancellationToken);
        }

        // The statement before this one in its block, or among the top-level statements of a program.
        private static StatementSyntax? PreviousStatement(StatementSyntax statement)
        {
            if (statement.Parent is BlockSyntax block)
            {
                var at = block.Statements.IndexOf(statement);
                return at > 0 ? block.Statements[at - 1] : null;
            }

            if (statement.Parent is GlobalStatementSyntax global && global.Parent is CompilationUnitSyntax unit)
            {
                var at = unit.Members.IndexOf(global);
                return at > 0 && unit.Members[at - 1] is GlobalStatementSyntax previous ? previous.Statement : null;
            }

            return null;
        }

        private static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }
    }
}
