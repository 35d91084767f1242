using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.FileBasedApps;
using TorchTrainer.Migrate.Fixing;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>The app after the TorchTrainer fixes, with what they did and what they could not do.</summary>
internal sealed record FixedApp(string Text, IReadOnlyDictionary<string, int> FixedPerRule, IReadOnlyList<string> Unfixed, IReadOnlyList<string> Problems);

/// <summary>
/// Compiles a converted app as trainer-migrate compiles any file-based app (<see cref="FileBasedApp"/>, packages restored
/// by NuGet) to finish the conversion with types known: a trailing expression of type <c>void</c>
/// (a call the kernel ran and showed nothing for) loses the <c>display(...)</c> the conversion gave it; then the
/// TorchTrainer fixes (<see cref="FixEngine"/>) are applied to the app.
/// </summary>
internal static class AppFixer
{
    public static async Task<FixedApp> FixAsync(string path, string text, ConversionResult converted, FixEngine engine, ReferenceResolver resolver, CancellationToken ct)
    {
        var problems = new List<string>();
        var references = await ReferencesAsync(converted, resolver, problems, ct).ConfigureAwait(false);
        var app = Parse(path, text);
        var (project, documentId) = Project(path, app, references);
        var unwrapped = await UnwrapVoidDisplaysAsync(project.GetDocument(documentId)!, text, ct).ConfigureAwait(false);
        if (unwrapped is not null)
        {
            text = unwrapped;
            app = Parse(path, text);
            (project, documentId) = Project(path, app, references);
        }

        var result = await engine.RunAsync(project, d => d.Id == documentId, ct).ConfigureAwait(false);
        problems.AddRange(result.Problems);
        var analysed = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
        if (result.Changed.TryGetValue(documentId, out var texts))
        {
            var (fixedText, rejected) = app.Apply(analysed, texts.New);
            text = fixedText;
            if (rejected > 0)
            {
                problems.Add($"{rejected} rewrite(s) would touch a #: directive line; not applied");
            }
        }

        var unfixed = result.Unfixed.Select(u =>
        {
            var line = u.Diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;
            return $"line {line}: {u.Diagnostic.Id}: {u.Diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} — {u.Reason}";
        }).ToList();
        return new FixedApp(text, result.FixedPerRule, unfixed, problems);
    }

    private static (Project Project, DocumentId DocumentId) Project(string path, FileBasedApp app, IReadOnlyList<MetadataReference> references) =>
        AdhocProjects.Create(Path.GetFileNameWithoutExtension(path), path, app.MaskedText, SourceCodeKind.Regular, references);

    /// <summary>
    /// The framework and the app's packages, restored by NuGet itself the way trainer-migrate restores a notebook's
    /// packages (<see cref="ReferenceResolver.ResolveNotebookPackagesAsync"/>: the notebook folder's nuget.config chain
    /// plus its <c>#i</c> sources), so floating versions and ranges resolve as the kernel resolves them.
    /// </summary>
    private static async Task<IReadOnlyList<MetadataReference>> ReferencesAsync(ConversionResult converted, ReferenceResolver resolver,
        List<string> problems, CancellationToken ct)
    {
        var references = new List<MetadataReference>(ReferenceResolver.FrameworkReferences);
        var requests = converted.Packages.Select(p => new PackageRequest(p.Id, p.Range)).ToList();
        var (packages, failure) = await resolver.ResolveNotebookPackagesAsync(converted.NotebookPath, requests, converted.Sources, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            problems.Add($"{failure}; the TorchTrainer fixes ran without these packages' types");
        }

        references.AddRange(packages);
        return references;
    }

    private static FileBasedApp Parse(string path, string text) => FileBasedApp.Parse(TextFile.FromBytes(path, Encoding.UTF8.GetBytes(text)));

    /// <summary>The original text with <c>display(x)</c> replaced by <c>x</c> wherever x has type void; null when there is none.</summary>
    private static async Task<string?> UnwrapVoidDisplaysAsync(Document document, string original, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return null;
        }

        var changes = root.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(call => call.Expression is IdentifierNameSyntax { Identifier.ValueText: "display" } && call.ArgumentList.Arguments.Count == 1)
            .Where(call => model.GetTypeInfo(call.ArgumentList.Arguments[0].Expression, ct).Type?.SpecialType == SpecialType.System_Void)
            .Select(call => new TextChange(call.Span, call.ArgumentList.Arguments[0].Expression.ToString()))
            .ToList();
        if (changes.Count == 0)
        {
            return null;
        }

        // The analysed document is the app with its #: lines blanked (same length), so its spans hold in the original.
        return SourceText.From(original).WithChanges(changes).ToString();
    }
}
