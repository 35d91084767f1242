using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// Finds a legacy member named by a string to reflection or to an expression tree on TorchTrainer's results:
/// <c>typeof(TrainingResults).GetProperty("LossHistory")</c>, <c>r.GetType().GetProperty("ValLossHistory")</c>,
/// <c>Expression.Property(results, "LossHistory")</c>. No analyzer sees a member by its name, and TorchTrainer 5.0 has
/// none: <c>GetProperty</c> returns null and <c>Expression.Property</c> throws, at run time. The gate names it as not
/// analysed. A name looked up on a type of the user's own (<c>typeof(MyRow)</c>) is left alone.
/// </summary>
internal static class ReflectedNames
{
    /// <summary>A member named by a string: its file, position, (1-based) line, the name and the API that looks it up.</summary>
    internal sealed record Hit(string Path, int Position, int Line, string Name, string Api);

    public static string Reason(Hit hit) =>
        $"'{hit.Name}' is looked up by name ({hit.Api}): no analyzer sees a member by its name, and TorchTrainer 5.0 removes it, so the lookup "
        + "finds nothing at run time; look up its replacement (the TRN0001 rule page gives each), or read it directly so that TRN0001 and its fix see it";

    public static async Task<IReadOnlyList<Hit>> FindAsync(IReadOnlyList<Project> variants, Func<Document, bool> include, CancellationToken ct)
    {
        var hits = new Dictionary<(string, int), Hit>();
        foreach (var project in variants)
        {
            // No member can be looked up by a name no text holds: no binding needed.
            if (await BoundSources.LoadAsync(project, include, text => LegacyNames.Members.Any(m => text.Contains($"\"{m}\"", StringComparison.Ordinal)), ct)
                .ConfigureAwait(false) is not { } sources)
            {
                continue;
            }

            foreach (var (path, root) in sources.Documents)
            {
                foreach (var literal in root.DescendantNodes().OfType<LiteralExpressionSyntax>())
                {
                    if (!LegacyNames.Members.Contains(literal.Token.ValueText) || literal.Parent is not ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax call }
                        || hits.ContainsKey((path, literal.SpanStart))
                        || sources.Model(root.SyntaxTree).GetOperation(call, ct) is not IInvocationOperation invocation
                        || Lookup(invocation, sources.Results) is not { } api)
                    {
                        continue;
                    }

                    hits[(path, literal.SpanStart)] = new Hit(path, literal.SpanStart, literal.GetLocation().GetLineSpan().StartLinePosition.Line + 1,
                        literal.Token.ValueText, api);
                }
            }
        }

        return [.. hits.Values.OrderBy(h => h.Path, StringComparer.Ordinal).ThenBy(h => h.Position)];
    }

    /// <summary>
    /// The API (for the message) when <paramref name="invocation"/> looks a member up by name on TorchTrainer's results,
    /// or on a type the code cannot tell (a Type held in a variable, <c>o.GetType()</c> on an object); null otherwise.
    /// </summary>
    private static string? Lookup(IInvocationOperation invocation, INamedTypeSymbol results)
    {
        var method = invocation.TargetMethod;
        var api = $"{method.ContainingType.Name}.{method.Name}";
        if (method.ContainingType.ToDisplayString() == "System.Type")
        {
            return invocation.Instance switch
            {
                ITypeOfOperation { TypeOperand: var type } => Maybe(type, results) ? api : null,
                IInvocationOperation { TargetMethod.Name: "GetType", Instance: { } instance } => Maybe(instance.Type, results) ? api : null,
                _ => api,
            };
        }

        if (method.ContainingType.ToDisplayString() == "System.Linq.Expressions.Expression"
            && method.Name is "Property" or "PropertyOrField" && invocation.Arguments.FirstOrDefault() is { Value: var target })
        {
            // Expression.Property(Expression.Parameter(typeof(X)), name): the type is known; from anywhere else, not.
            var operand = target is IConversionOperation conversion ? conversion.Operand : target;
            return operand is IInvocationOperation { Arguments: [{ Value: ITypeOfOperation { TypeOperand: var type } }, ..] } && !Maybe(type, results) ? null : api;
        }

        return null;
    }

    /// <summary>Whether a value of static type <paramref name="type"/> can be TorchTrainer's results (unknown, object, or the type itself).</summary>
    private static bool Maybe(ITypeSymbol? type, INamedTypeSymbol results) =>
        type is null or { SpecialType: SpecialType.System_Object } or { TypeKind: TypeKind.Dynamic or TypeKind.Error or TypeKind.Interface }
        || SymbolEqualityComparer.Default.Equals(type, results);
}
