using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>One C# section turned from kernel script into top-level-statement code.</summary>
internal sealed record ConvertedSection(IReadOnlyList<string> Usings, string Statements, IReadOnlyList<string> Types, bool Displays);

/// <summary>
/// Rewrites the C# of one notebook section, parsed as the kernel parses it (a script submission), into what a
/// file-based app's top-level statements accept: <c>using</c> directives and type declarations are taken out (the
/// app hoists the first to its top and puts the second after its statements, where C# requires them), a trailing
/// expression without <c>;</c> — which the kernel displays — becomes <c>display(expression);</c>, and script methods
/// lose the access modifiers a local function cannot have.
/// </summary>
internal static class CSharpSectionRewriter
{
    private static readonly CSharpParseOptions ScriptOptions = new(LanguageVersion.Preview, DocumentationMode.None, SourceCodeKind.Script);

    /// <summary>The converted section, or the C# syntax errors that stop the conversion ("(3,5): error CS1002: ; expected").</summary>
    public static (ConvertedSection? Section, IReadOnlyList<string> Errors) Convert(string code, int cell, bool timed)
    {
        var tree = CSharpSyntaxTree.ParseText(code, ScriptOptions);
        var errors = tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"cell {cell} {Position(d)}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var root = (CompilationUnitSyntax)tree.GetRoot();
        var text = tree.GetText();
        var changes = new List<TextChange>();
        var usings = root.Usings.Select(u => u.WithoutTrivia().ToFullString()).ToList();
        changes.AddRange(root.Usings.Select(u => new TextChange(u.FullSpan, "")));

        var types = new List<string>();
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    types.Add(member.ToFullString().Trim('\r', '\n'));
                    changes.Add(new TextChange(member.FullSpan, ""));
                    break;
                case MethodDeclarationSyntax method:
                    changes.AddRange(method.Modifiers
                        .Where(m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.InternalKeyword or SyntaxKind.ProtectedKeyword)
                        .Select(m => new TextChange(TextSpan.FromBounds(m.SpanStart, m.GetNextToken().SpanStart), "")));
                    break;
            }
        }

        var displays = root.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(IsDisplayCall);
        if (root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } trailing })
        {
            // What the kernel shows as the cell's value. A display(...) call already shows it: it only needs its ';'.
            var expression = trailing.Expression;
            var replacement = expression is InvocationExpressionSyntax call && IsDisplayCall(call)
                ? expression.ToString() + ";"
                : $"display({expression});";
            changes.Add(new TextChange(expression.Span, replacement));
            displays = true;
        }

        var statements = text.WithChanges(changes.OrderBy(c => c.Span.Start)).ToString().Trim('\r', '\n');
        if (timed)
        {
            var clock = $"cell{cell}Clock";
            statements = $"var {clock} = System.Diagnostics.Stopwatch.StartNew();   // #!time\n{statements}\n"
                + $"Console.WriteLine($\"Wall time: {{{clock}.Elapsed.TotalMilliseconds}}ms\");";
        }

        return (new ConvertedSection(usings, statements, types, displays), []);
    }

    /// <summary><c>display(x)</c> (the kernel's global) or <c>x.Display()</c> (its extension method).</summary>
    public static bool IsDisplayCall(InvocationExpressionSyntax call) => call.Expression switch
    {
        IdentifierNameSyntax { Identifier.ValueText: "display" } => call.ArgumentList.Arguments.Count >= 1,
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Display" } => call.ArgumentList.Arguments.Count == 0,
        _ => false,
    };

    private static string Position(Diagnostic d)
    {
        var start = d.Location.GetLineSpan().StartLinePosition;
        return $"line {start.Line + 1}, column {start.Character + 1}";
    }
}
