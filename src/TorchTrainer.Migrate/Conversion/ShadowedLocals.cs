using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>
/// A kernel's top-level variables are fields of the submission, so a loop or block may declare a local of the same
/// name (<c>var output = …</c> at the top, <c>for (…) { var output = …; }</c> in a later cell). In top-level
/// statements both are locals of one method: CS0136. The inner local is renamed (<c>output_inner</c>) within its
/// scope. Locals of lambdas and local functions may shadow, and are left alone.
/// </summary>
internal static class ShadowedLocals
{
    private static readonly CSharpParseOptions ScriptOptions = new(LanguageVersion.Preview, DocumentationMode.None, SourceCodeKind.Script);

    /// <summary>The names the sections declare at top level (after <see cref="Redeclarations"/>).</summary>
    public static HashSet<string> TopLevelNames(IEnumerable<string> sections) =>
        new(sections.SelectMany(code => CSharpSyntaxTree.ParseText(code, ScriptOptions).GetRoot().ChildNodes().OfType<FieldDeclarationSyntax>()
            .SelectMany(f => f.Declaration.Variables).Select(v => v.Identifier.ValueText)), StringComparer.Ordinal);

    /// <summary>The section with its nested locals that shadow a top-level variable renamed; each rename in <paramref name="renamed"/>.</summary>
    public static string Apply(string code, int cell, HashSet<string> topLevel, HashSet<string> taken, List<string> renamed)
    {
        var root = CSharpSyntaxTree.ParseText(code, ScriptOptions).GetRoot();
        var changes = new List<TextChange>();
        foreach (var (identifier, scope) in NestedDeclarations(root).Where(d => topLevel.Contains(d.Identifier.ValueText)))
        {
            var name = identifier.ValueText;
            var fresh = $"{name}_inner";
            for (var n = 2; !taken.Add(fresh); n++)
            {
                fresh = $"{name}_inner{n}";
            }

            renamed.Add($"{name} → {fresh} (cell {cell}, a local inside a block that a top-level variable would clash with)");
            changes.Add(new TextChange(identifier.Span, fresh));
            changes.AddRange(scope.DescendantTokens()
                .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name && t.Parent is IdentifierNameSyntax reference && IsSimpleUse(reference))
                .Select(t => new TextChange(t.Span, fresh)));
        }

        return changes.Count == 0 ? code : SourceText.From(code).WithChanges(changes.DistinctBy(c => c.Span.Start)).ToString();
    }

    /// <summary>Locals declared inside top-level blocks and loops (not in lambdas, local functions or types), with the node they are visible in.</summary>
    private static IEnumerable<(SyntaxToken Identifier, SyntaxNode Scope)> NestedDeclarations(SyntaxNode root)
    {
        foreach (var statement in root.ChildNodes().OfType<GlobalStatementSyntax>())
        {
            foreach (var node in statement.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax declarator when declarator.Parent?.Parent is LocalDeclarationStatementSyntax { Parent: BlockSyntax or SwitchSectionSyntax } local:
                        yield return (declarator.Identifier, local.Parent!);
                        break;
                    case VariableDeclaratorSyntax declarator when declarator.Parent?.Parent is ForStatementSyntax or UsingStatementSyntax or FixedStatementSyntax:
                        yield return (declarator.Identifier, declarator.Parent.Parent);
                        break;
                    case ForEachStatementSyntax forEach:
                        yield return (forEach.Identifier, forEach);
                        break;
                    case CatchDeclarationSyntax { Identifier.RawKind: not 0 } caught when caught.Parent is CatchClauseSyntax clause:
                        yield return (caught.Identifier, clause);
                        break;
                }
            }
        }
    }

    private static bool IsSimpleUse(IdentifierNameSyntax name) =>
        !(name.Parent is MemberAccessExpressionSyntax access && access.Name == name
            || name.Parent is MemberBindingExpressionSyntax or NameColonSyntax
            || name.Parent is QualifiedNameSyntax qualified && qualified.Right == name);
}
