using Microsoft.CodeAnalysis;
using TorchTrainer.Contract;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// The analysed documents of one project variant that a semantic scan of the gate (RuntimeKeys, ReflectedNames) binds,
/// with the compilation and TorchTrainer's results type to bind them with. Semantic models are made once per file.
/// </summary>
internal sealed class BoundSources
{
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = [];

    private BoundSources(Compilation compilation, INamedTypeSymbol results, IReadOnlyList<(string Path, SyntaxNode Root)> documents)
    {
        Compilation = compilation;
        Results = results;
        Documents = documents;
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol Results { get; }

    public IReadOnlyList<(string Path, SyntaxNode Root)> Documents { get; }

    /// <summary>The semantic model of <paramref name="tree"/>, made on first use.</summary>
    public SemanticModel Model(SyntaxTree tree) =>
        _models.TryGetValue(tree, out var model) ? model : _models[tree] = Compilation.GetSemanticModel(tree);

    /// <summary>
    /// The documents of <paramref name="project"/> that <paramref name="include"/> takes; null when no text among them
    /// <paramref name="mentions"/> what the scan looks for (nothing is bound then) or the project has no TorchTrainer.
    /// </summary>
    public static async Task<BoundSources?> LoadAsync(Project project, Func<Document, bool> include, Func<string, bool> mentions, CancellationToken ct)
    {
        var documents = new List<(string Path, SyntaxNode Root)>();
        var mentioned = false;
        foreach (var document in project.Documents.Where(include))
        {
            if (document.FilePath is { } path && await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is { } root)
            {
                documents.Add((path, root));
                mentioned = mentioned || mentions(root.SyntaxTree.GetText(ct).ToString());
            }
        }

        return mentioned
            && await project.GetCompilationAsync(ct).ConfigureAwait(false) is { } compilation
            && compilation.GetTypeByMetadataName(ContractTypes.TrainingResultsMetadataName) is { } results
                ? new BoundSources(compilation, results, documents)
                : null;
    }
}
