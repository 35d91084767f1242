using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// Finds reads of TorchTrainer's string-keyed view whose key is known only at run time but that the code can set to a
/// legacy key: <c>var key = "loss_history"; r[key]</c>, a <c>foreach</c> over a list of keys that holds one, a field
/// initialised with one, a parameter a call passes one to. TRN0002 and its fix see constant keys only, so such a read
/// is neither reported nor fixed, and TorchTrainer 5.0 throws on it: the gate names it as not analysed. A key read
/// from outside the program (a file, the user) cannot be told and is not named.
/// </summary>
internal static class RuntimeKeys
{
    /// <summary>
    /// A read with a run-time key: its file, position and (1-based) line; the legacy key the code can give it, and where
    /// (file, position and line of the expression that holds it).
    /// </summary>
    internal sealed record Hit(string Path, int Position, int Line, string Key, string SetPath, int SetPosition, int SetLine);

    /// <summary>What the user is told; <paramref name="setAt"/> names where the key is set, as the caller shows places.</summary>
    public static string Reason(Hit hit, string setAt) =>
        $"the string-keyed view is read with a key set at run time, which can be the legacy key \"{hit.Key}\" (set at {setAt}): TRN0002 and its "
        + "fix see constant keys only, and TorchTrainer 5.0 throws on a legacy key; read MetricsSummary.TrainLoss / ValLoss where the key is a legacy one";

    /// <summary>Where the key is set, for a file of a project or app: "line N" in the same file, else "FILE:N".</summary>
    public static string SetAt(Hit hit, Func<string, string> display) =>
        Output.ChangeWriter.PathComparer.Equals(hit.SetPath, hit.Path) ? $"line {hit.SetLine}" : $"{display(hit.SetPath)}:{hit.SetLine}";

    public static async Task<IReadOnlyList<Hit>> FindAsync(IReadOnlyList<Project> variants, Func<Document, bool> include, CancellationToken ct)
    {
        var hits = new Dictionary<(string, int), Hit>();
        foreach (var project in variants)
        {
            // No legacy key can be set where no text names one (a key split as "loss_hist" + "ory" aside): no binding needed.
            if (await BoundSources.LoadAsync(project, include, text => text.Contains("_history", StringComparison.Ordinal), ct).ConfigureAwait(false) is not { } sources)
            {
                continue;
            }

            foreach (var (path, root) in sources.Documents)
            {
                var model = sources.Model(root.SyntaxTree);
                foreach (var element in root.DescendantNodes().OfType<ElementAccessExpressionSyntax>())
                {
                    if (element.ArgumentList.Arguments is not [{ Expression: var key }]
                        || model.GetSymbolInfo(element, ct).Symbol is not IPropertySymbol { IsIndexer: true } indexer
                        || !SymbolEqualityComparer.Default.Equals(indexer.ContainingType, sources.Results)
                        || model.GetConstantValue(key, ct).HasValue
                        || hits.ContainsKey((path, element.SpanStart)))
                    {
                        continue;
                    }

                    if (LegacyKeySource(sources, key, ct) is var (source, legacyKey))
                    {
                        var setPath = sources.Documents.FirstOrDefault(d => d.Root.SyntaxTree == source.SyntaxTree).Path ?? path;
                        hits[(path, element.SpanStart)] = new Hit(path, element.SpanStart, element.GetLocation().GetLineSpan().StartLinePosition.Line + 1, legacyKey,
                            setPath, source.SpanStart, source.GetLocation().GetLineSpan().StartLinePosition.Line + 1);
                    }
                }
            }
        }

        return [.. hits.Values.OrderBy(h => h.Path, StringComparer.Ordinal).ThenBy(h => h.Position)];
    }

    /// <summary>
    /// The expression that can give <paramref name="key"/> a legacy key, and that key: in the key expression itself, or
    /// in what the local, field, property or parameter it reads is set to (its initializer, its assignments, the
    /// collection a foreach takes it from, the arguments calls pass to it) in the analysed documents; null when none can.
    /// </summary>
    private static (ExpressionSyntax Node, string Key)? LegacyKeySource(BoundSources sources, ExpressionSyntax key, CancellationToken ct)
    {
        if (Holding(sources, key, ct) is { } direct)
        {
            return direct;
        }

        var symbol = sources.Model(key.SyntaxTree).GetSymbolInfo(key, ct).Symbol;
        if (symbol is null or IMethodSymbol)
        {
            return null;
        }

        // What the symbol is declared with: a local's or field's initializer, a property's initializer or expression
        // body, a foreach variable's collection.
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var set = reference.GetSyntax(ct) switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                ForEachStatementSyntax loop => loop.Expression,
                PropertyDeclarationSyntax property => property.Initializer?.Value ?? property.ExpressionBody?.Expression,
                _ => null,
            };
            if (set is not null && Holding(sources, set, ct) is { } found)
            {
                return found;
            }
        }

        // What the analysed code assigns to it, or passes to it when it is a parameter.
        foreach (var (_, root) in sources.Documents)
        {
            var model = sources.Model(root.SyntaxTree);
            foreach (var node in root.DescendantNodes())
            {
                var value = node switch
                {
                    AssignmentExpressionSyntax assignment when SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, ct).Symbol, symbol) => assignment.Right,
                    ArgumentSyntax argument when symbol is IParameterSymbol parameter
                        && model.GetOperation(argument, ct) is IArgumentOperation { Parameter: { } passedTo }
                        && SymbolEqualityComparer.Default.Equals(passedTo.OriginalDefinition, parameter.OriginalDefinition) => argument.Expression,
                    _ => null,
                };
                if (value is not null && Holding(sources, value, ct) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>The first expression in <paramref name="node"/> (itself included) whose constant value is a legacy key, and that key.</summary>
    private static (ExpressionSyntax Node, string Key)? Holding(BoundSources sources, SyntaxNode node, CancellationToken ct)
    {
        var model = sources.Model(node.SyntaxTree);
        foreach (var expression in node.DescendantNodesAndSelf().OfType<ExpressionSyntax>())
        {
            if (model.GetConstantValue(expression, ct) is { HasValue: true, Value: string text } && LegacyNames.Keys.Contains(text))
            {
                return (expression, text);
            }
        }

        return null;
    }
}
