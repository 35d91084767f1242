using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using TorchTrainer.Contract;

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
            var roots = new List<(string Path, SyntaxNode Root)>();
            foreach (var document in project.Documents.Where(include))
            {
                if (document.FilePath is { } path && await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is { } root)
                {
                    roots.Add((path, root));
                }
            }

            // No legacy key can be set where no text names one (a key split as "loss_hist" + "ory" aside): no binding needed.
            if (!roots.Any(r => r.Root.SyntaxTree.GetText(ct).ToString().Contains("_history", StringComparison.Ordinal))
                || await project.GetCompilationAsync(ct).ConfigureAwait(false) is not { } compilation
                || compilation.GetTypeByMetadataName(ContractTypes.TrainingResultsMetadataName) is not { } results)
            {
                continue;
            }

            foreach (var (path, root) in roots)
            {
                var model = compilation.GetSemanticModel(root.SyntaxTree);
                foreach (var element in root.DescendantNodes().OfType<ElementAccessExpressionSyntax>())
                {
                    if (element.ArgumentList.Arguments is not [{ Expression: var key }]
                        || model.GetSymbolInfo(element, ct).Symbol is not IPropertySymbol { IsIndexer: true } indexer
                        || !SymbolEqualityComparer.Default.Equals(indexer.ContainingType, results)
                        || model.GetConstantValue(key, ct).HasValue
                        || hits.ContainsKey((path, element.SpanStart)))
                    {
                        continue;
                    }

                    if (LegacyKeySource(compilation, roots.Select(r => r.Root), model, key, ct) is { } source)
                    {
                        var line = element.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        var setPath = roots.FirstOrDefault(r => r.Root.SyntaxTree == source.SyntaxTree).Path ?? path;
                        hits[(path, element.SpanStart)] = new Hit(path, element.SpanStart, line, Value(compilation, source, ct)!,
                            setPath, source.SpanStart, source.GetLocation().GetLineSpan().StartLinePosition.Line + 1);
                    }
                }
            }
        }

        return [.. hits.Values.OrderBy(h => h.Path, StringComparer.Ordinal).ThenBy(h => h.Position)];
    }

    /// <summary>
    /// The expression that can give <paramref name="key"/> a legacy key: in the key expression itself, or in what the
    /// local, field, property or parameter it reads is set to (its initializer, its assignments, the collection a
    /// foreach takes it from, the arguments calls pass to it) in the analysed documents; null when none can.
    /// </summary>
    private static ExpressionSyntax? LegacyKeySource(Compilation compilation, IEnumerable<SyntaxNode> roots, SemanticModel model, ExpressionSyntax key, CancellationToken ct)
    {
        if (Holding(compilation, key, ct) is { } direct)
        {
            return direct;
        }

        var symbol = model.GetSymbolInfo(key, ct).Symbol;
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
            if (set is not null && Holding(compilation, set, ct) is { } found)
            {
                return found;
            }
        }

        // What the analysed code assigns to it, or passes to it when it is a parameter.
        foreach (var root in roots)
        {
            var documentModel = compilation.GetSemanticModel(root.SyntaxTree);
            foreach (var node in root.DescendantNodes())
            {
                var value = node switch
                {
                    AssignmentExpressionSyntax assignment when SymbolEqualityComparer.Default.Equals(documentModel.GetSymbolInfo(assignment.Left, ct).Symbol, symbol) => assignment.Right,
                    ArgumentSyntax argument when symbol is IParameterSymbol parameter
                        && documentModel.GetOperation(argument, ct) is IArgumentOperation { Parameter: { } passedTo }
                        && SymbolEqualityComparer.Default.Equals(passedTo.OriginalDefinition, parameter.OriginalDefinition) => argument.Expression,
                    _ => null,
                };
                if (value is not null && Holding(compilation, value, ct) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>The first expression in <paramref name="node"/> (itself included) whose constant value is a legacy key.</summary>
    private static ExpressionSyntax? Holding(Compilation compilation, SyntaxNode node, CancellationToken ct) =>
        node.DescendantNodesAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => Value(compilation, e, ct) is not null);

    private static string? Value(Compilation compilation, ExpressionSyntax expression, CancellationToken ct) =>
        compilation.GetSemanticModel(expression.SyntaxTree).GetConstantValue(expression, ct) is { HasValue: true, Value: string text } && LegacyNames.Keys.Contains(text) ? text : null;
}
