using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// Finds legacy names in compiled code that the compiler could not bind — <c>x.LossHistory</c> or
/// <c>x["loss_history"]</c> where the type of <c>x</c> is unknown (a missing reference, a generated file that is not
/// there, a typo): the analyzers only see TorchTrainer's members, so such a use is neither reported nor passed as
/// clean; the gate names it as not analysed. So is one read through <c>dynamic</c>: the analyzers leave late binding
/// alone by design (the runtime shim still answers it, and warns), but which type answers it is known only at run
/// time, and in v5.0 a TorchTrainer result will not. A name counts only when it binds under none of the analysed
/// configurations (one that binds it analysed it).
/// </summary>
internal static class UnboundNames
{
    /// <summary>An unbound legacy name: the document's file, the position and (1-based) line in its analysed text, the name and the compiler's error there.</summary>
    internal sealed record Hit(string Path, int Position, int Line, string Name, string? CompilerError, bool LateBound);

    /// <summary>What the user is told: the name, the compiler's error, why it matters, and the fix.</summary>
    public static string Reason(Hit hit) => hit.LateBound
        ? $"'{hit.Name}' is read through dynamic: the type that answers it is known only at run time, so whether it is TorchTrainer's "
          + "legacy API cannot be told; give the value its static type (e.g. TrainingResults), so the analyzers and their fix see it, or migrate it by hand"
        : $"'{hit.Name}' does not bind{(hit.CompilerError is { } error ? $" ({error})" : "")}: the type it is read from is unknown here, so whether it is "
        + "TorchTrainer's legacy API cannot be told; fix what the compiler reports there (a missing reference, package or generated file) and run again";

    public static async Task<IReadOnlyList<Hit>> FindAsync(IReadOnlyList<Project> variants, Func<Document, bool> include, CancellationToken ct)
    {
        // Per place (file, position, name): how many variants compile it, and how many of them leave it unbound.
        var seen = new Dictionary<(string Path, int Position, string Name), (int Line, int Compiled, int Unbound, string? Error, bool LateBound)>();
        foreach (var project in variants)
        {
            foreach (var document in project.Documents.Where(include))
            {
                if (document.FilePath is not { } path || await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is not { } root)
                {
                    continue;
                }

                SemanticModel? model = null;
                foreach (var (node, name) in Candidates(root))
                {
                    model ??= await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
                    if (model is null)
                    {
                        break;
                    }

                    var key = (path, node.SpanStart, name);
                    var (_, compiled, unbound, error, lateBound) = seen.GetValueOrDefault(key);
                    if (Unbound(model, node, ct) is { } dynamic)
                    {
                        unbound++;
                        lateBound |= dynamic;
                        error ??= model.GetDiagnostics(node.Span, ct).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error)?.Id;
                    }

                    seen[key] = (node.GetLocation().GetLineSpan().StartLinePosition.Line + 1, compiled + 1, unbound, error, lateBound);
                }
            }
        }

        return [.. seen.Where(kv => kv.Value.Unbound == kv.Value.Compiled)
            .Select(kv => new Hit(kv.Key.Path, kv.Key.Position, kv.Value.Line, kv.Key.Name, kv.Value.Error, kv.Value.LateBound))
            .OrderBy(h => h.Path, StringComparer.Ordinal).ThenBy(h => h.Position)];
    }

    /// <summary>Member accesses named like a legacy member, and element accesses whose argument is a legacy key literal.</summary>
    private static IEnumerable<(ExpressionSyntax Node, string Name)> Candidates(SyntaxNode root)
    {
        foreach (var node in root.DescendantNodes())
        {
            switch (node)
            {
                case MemberAccessExpressionSyntax access when LegacyNames.Members.Contains(access.Name.Identifier.ValueText):
                    yield return (access, access.Name.Identifier.ValueText);
                    break;
                case MemberBindingExpressionSyntax binding when LegacyNames.Members.Contains(binding.Name.Identifier.ValueText):
                    yield return (binding, binding.Name.Identifier.ValueText);
                    break;
                case ElementAccessExpressionSyntax element when element.ArgumentList.Arguments is [{ Expression: LiteralExpressionSyntax literal }]
                    && literal.IsKind(SyntaxKind.StringLiteralExpression) && LegacyNames.Keys.Contains(literal.Token.ValueText):
                    yield return (element, $"\"{literal.Token.ValueText}\"");
                    break;
            }
        }
    }

    /// <summary>
    /// Unbound, and read from a value whose type the compiler does not know (false) or that is <c>dynamic</c> (true);
    /// null otherwise. A known type without the member (CS1061 on TorchTrainer's results once v5.0 removes it, or on a
    /// type of the user's own) is not this: the fixes repair the first, and the second cannot be TorchTrainer's.
    /// </summary>
    private static bool? Unbound(SemanticModel model, ExpressionSyntax node, CancellationToken ct)
    {
        var receiver = node switch
        {
            MemberAccessExpressionSyntax access => access.Expression,
            ElementAccessExpressionSyntax element => element.Expression,
            MemberBindingExpressionSyntax => node.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression,
            _ => null,
        };
        if (receiver is null || model.GetSymbolInfo(node, ct) is not { Symbol: null, CandidateSymbols.IsEmpty: true })
        {
            return null;
        }

        return model.GetTypeInfo(receiver, ct).Type switch
        {
            null or { TypeKind: TypeKind.Error } => false,
            { TypeKind: TypeKind.Dynamic } => true,
            _ => null,
        };
    }
}
