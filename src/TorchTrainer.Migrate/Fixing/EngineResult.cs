using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Migrate.Fixing;

/// <summary>A diagnostic the engine found, in the coordinates of the analysed document.</summary>
internal sealed record FoundDiagnostic(DocumentId DocumentId, Diagnostic Diagnostic)
{
    public string Id => Diagnostic.Id;
    public TextSpan Span => Diagnostic.Location.SourceSpan;
}

/// <summary>A diagnostic that is still there after fixing, and why.</summary>
internal sealed record UnfixedDiagnostic(DocumentId DocumentId, Diagnostic Diagnostic, string Reason);

/// <summary>The outcome of fixing one project.</summary>
internal sealed class EngineResult
{
    /// <summary>Diagnostics of the first analysis (positions in the original documents).</summary>
    public required IReadOnlyList<FoundDiagnostic> Initial { get; init; }

    /// <summary>Diagnostics left after the last pass (positions in the fixed documents).</summary>
    public required IReadOnlyList<UnfixedDiagnostic> Unfixed { get; init; }

    /// <summary>Documents whose text changed: the original text and the fixed one.</summary>
    public required IReadOnlyDictionary<DocumentId, (SourceText Old, SourceText New)> Changed { get; init; }

    /// <summary>Uses fixed, per diagnostic ID.</summary>
    public required IReadOnlyDictionary<string, int> FixedPerRule { get; init; }

    /// <summary>Analyzer or code-fix failures worth telling the user.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
