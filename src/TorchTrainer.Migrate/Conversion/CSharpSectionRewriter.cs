using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>One C# section turned from kernel script into top-level-statement code.</summary>
internal sealed record ConvertedSection(IReadOnlyList<string> Usings, string Statements, IReadOnlyList<string> Types, bool Displays, IReadOnlyList<string> KernelOnly);

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
        // The kernel's own API (Microsoft.DotNet.Interactive: Formatter.Register & co.) configures how the notebook
        // renders values; an app has no such renderer, so those usings and statements are kept only as comments.
        var kernelOnly = new List<string>();
        var usings = new List<string>();
        foreach (var directive in root.Usings)
        {
            var directiveText = directive.WithoutTrivia().ToFullString();
            if (IsKernelApi(directiveText))
            {
                kernelOnly.Add($"cell {cell}: {directiveText}");
            }
            else
            {
                usings.Add(directiveText);
            }

            changes.Add(new TextChange(directive.FullSpan, ""));
        }

        var types = new List<string>();
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    // At namespace level a type cannot be private or protected (a script's types are nested in its submission).
                    var declaration = (MemberDeclarationSyntax)member;
                    var hidden = declaration.Modifiers.Where(m => m.Kind() is SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword).ToList();
                    var moved = declaration.ToFullString();
                    foreach (var modifier in hidden.OrderByDescending(m => m.SpanStart))
                    {
                        var start = modifier.SpanStart - declaration.FullSpan.Start;
                        moved = moved.Remove(start, modifier.GetNextToken().SpanStart - modifier.SpanStart);
                    }

                    types.Add(moved.Trim('\r', '\n'));
                    changes.Add(new TextChange(member.Span, $"// {TypeName(member)}: declared at the end of this file (C# wants types after the top-level statements)"));
                    break;
                case GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement } when IsKernelApi(statement.ToString()):
                    kernelOnly.Add($"cell {cell}: {statement.ToString().Split('\n')[0].Trim()}");
                    changes.Add(new TextChange(statement.Span, "// kernel display setup, not needed in an app: "
                        + statement.ToString().Replace("\n", "\n// ", StringComparison.Ordinal)));
                    break;
                case MethodDeclarationSyntax method:
                    changes.AddRange(method.Modifiers
                        .Where(m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.InternalKeyword or SyntaxKind.ProtectedKeyword)
                        .Select(m => new TextChange(TextSpan.FromBounds(m.SpanStart, m.GetNextToken().SpanStart), "")));
                    break;
            }
        }

        var displays = root.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(IsDisplayCall);
        if (root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } trailing }
            && !IsKernelApi(trailing.ToString()))
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

        return (new ConvertedSection(usings, statements, types, displays, kernelOnly), []);
    }

    /// <summary><c>display(x)</c> (the kernel's global) or <c>x.Display()</c> (its extension method).</summary>
    public static bool IsDisplayCall(InvocationExpressionSyntax call) => call.Expression switch
    {
        IdentifierNameSyntax { Identifier.ValueText: "display" } => call.ArgumentList.Arguments.Count >= 1,
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Display" } => call.ArgumentList.Arguments.Count == 0,
        _ => false,
    };

    private static string TypeName(MemberDeclarationSyntax member) => member switch
    {
        TypeDeclarationSyntax type => $"{type.Keyword.ValueText} {type.Identifier.ValueText}",
        EnumDeclarationSyntax e => $"enum {e.Identifier.ValueText}",
        DelegateDeclarationSyntax d => $"delegate {d.Identifier.ValueText}",
        _ => member.Kind().ToString(),
    };

    /// <summary>Code that uses the kernel's API: <c>Formatter.…</c> or anything in <c>Microsoft.DotNet.Interactive</c>.</summary>
    private static bool IsKernelApi(string code) =>
        code.StartsWith("Formatter.", StringComparison.Ordinal) || code.Contains("Microsoft.DotNet.Interactive", StringComparison.Ordinal);

    private static string Position(Diagnostic d)
    {
        var start = d.Location.GetLineSpan().StartLinePosition;
        return $"line {start.Line + 1}, column {start.Character + 1}";
    }
}
