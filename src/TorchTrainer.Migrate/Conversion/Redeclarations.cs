using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>
/// A kernel lets a later cell declare a variable again (<c>var t = …</c> in cells 3 and 7: each submission's
/// variables shadow the earlier ones); in one file of top-level statements that is CS0128. The later declaration
/// gets a new name (<c>t_2</c>), and the code after it — in that cell and the cells that follow — uses the new name,
/// so each use still reads the variable the kernel would have read. A type declared again (a class redefined in a
/// later cell) is renamed the same way.
/// </summary>
internal sealed class Redeclarations
{
    private static readonly CSharpParseOptions ScriptOptions = new(LanguageVersion.Preview, DocumentationMode.None, SourceCodeKind.Script);

    private readonly Dictionary<string, string> _current = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken;

    /// <param name="allIdentifiers">Every identifier of the app, so a new name never collides with one; new names are added to it.</param>
    public Redeclarations(HashSet<string> allIdentifiers) => _taken = allIdentifiers;

    /// <summary>Renames made so far ("t → t_2 (cell 7)").</summary>
    public List<string> Renamed { get; } = [];

    /// <summary>Every identifier in <paramref name="code"/>.</summary>
    public static IEnumerable<string> Identifiers(string code) =>
        CSharpSyntaxTree.ParseText(code, ScriptOptions).GetRoot().DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText);

    /// <summary>
    /// The statements and type declarations of the next C# section (in notebook order), with earlier renames applied and
    /// its own redeclarations renamed. A cell's types are compiled with it, so they are renamed before its statements.
    /// </summary>
    public (string Statements, IReadOnlyList<string> Types) Apply(string statements, IReadOnlyList<string> types, int cell)
    {
        var typeRoots = types.Select(t => CSharpSyntaxTree.ParseText(t, ScriptOptions).GetRoot()).ToList();
        var typeNames = new HashSet<string>(typeRoots.SelectMany(r => r.ChildNodes().OfType<MemberDeclarationSyntax>()).Select(DeclaredName).OfType<string>(), StringComparer.Ordinal);
        foreach (var name in typeNames.Where(n => _typesBefore.Contains(n) || _current.ContainsKey(n)))
        {
            Rename(name, cell);
        }

        _typesBefore.UnionWith(typeNames);
        var renamedTypes = typeRoots.Select(r => RenameIn(r, NoDeclarations, cell)).ToList();
        return (RenameIn(CSharpSyntaxTree.ParseText(statements, ScriptOptions).GetRoot(), TopLevelVariables, cell), renamedTypes);
    }

    private static string? DeclaredName(MemberDeclarationSyntax member) => member switch
    {
        BaseTypeDeclarationSyntax type => type.Identifier.ValueText,
        DelegateDeclarationSyntax d => d.Identifier.ValueText,
        _ => null,
    };

    private static IEnumerable<SyntaxToken> TopLevelVariables(SyntaxNode root) =>
        root.ChildNodes().OfType<FieldDeclarationSyntax>().SelectMany(f => f.Declaration.Variables).Select(v => v.Identifier);

    private readonly HashSet<string> _typesBefore = new(StringComparer.Ordinal);

    private void Rename(string name, int cell)
    {
        var fresh = Fresh(name);
        _current[name] = fresh;
        Renamed.Add($"{name} → {fresh} (cell {cell})");
    }

    /// <summary>The text of <paramref name="root"/> with the current renames, variables it declares again renamed first.</summary>
    private string RenameIn(SyntaxNode root, Func<SyntaxNode, IEnumerable<SyntaxToken>> declarations, int cell)
    {
        var declared = declarations(root).ToDictionary(t => t.SpanStart, t => t);
        var changes = new List<TextChange>();
        var declaredHere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)))
        {
            var name = token.ValueText;
            if (declared.ContainsKey(token.SpanStart))
            {
                if (declaredHere.Add(name) && (_current.ContainsKey(name) || _declaredBefore.Contains(name)))
                {
                    Rename(name, cell);
                    changes.Add(new TextChange(token.Span, _current[name]));
                }

                continue;
            }

            if (_current.TryGetValue(name, out var renamed) && IsReference(token))
            {
                changes.Add(new TextChange(token.Span, renamed));
            }
        }

        _declaredBefore.UnionWith(declaredHere);
        var text = root.ToFullString();
        return changes.Count == 0 ? text : SourceText.From(text).WithChanges(changes).ToString();
    }

    private static Func<SyntaxNode, IEnumerable<SyntaxToken>> NoDeclarations => _ => [];

    private readonly HashSet<string> _declaredBefore = new(StringComparer.Ordinal);

    private string Fresh(string name)
    {
        for (var n = 2; ; n++)
        {
            var candidate = $"{name}_{n}";
            if (_taken.Add(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>
    /// A name that can mean a top-level variable or type: a simple name that is not a member name after a dot, an
    /// argument name or shadowed by a parameter, or the name a type or constructor declares (a renamed type's own).
    /// </summary>
    private static bool IsReference(SyntaxToken token)
    {
        if (token.Parent is BaseTypeDeclarationSyntax or ConstructorDeclarationSyntax or DestructorDeclarationSyntax or DelegateDeclarationSyntax)
        {
            return true;
        }

        if (token.Parent is not SimpleNameSyntax name)
        {
            return false;
        }

        if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name
            || name.Parent is MemberBindingExpressionSyntax
            || name.Parent is NameColonSyntax
            || name.Parent is QualifiedNameSyntax qualified && qualified.Right == name)
        {
            return false;
        }

        return !name.Ancestors().Any(a => a switch
        {
            SimpleLambdaExpressionSyntax lambda => lambda.Parameter.Identifier.ValueText == token.ValueText,
            ParenthesizedLambdaExpressionSyntax lambda => lambda.ParameterList.Parameters.Any(p => p.Identifier.ValueText == token.ValueText),
            LocalFunctionStatementSyntax or MethodDeclarationSyntax => a is BaseMethodDeclarationSyntax m
                ? m.ParameterList.Parameters.Any(p => p.Identifier.ValueText == token.ValueText)
                : ((LocalFunctionStatementSyntax)a).ParameterList.Parameters.Any(p => p.Identifier.ValueText == token.ValueText),
            _ => false,
        });
    }
}
