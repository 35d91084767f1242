using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Fixing;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Units;

/// <summary>Turns the engine's diagnostics into findings located in the file the user has.</summary>
internal static class FindingMapper
{
    public static Finding NewFinding(Diagnostic d, string path, int line, int column, int endLine, int endColumn, string? detail) =>
        new(d.Id, d.Severity, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), path, line, column, endLine, endColumn, detail, FindingStatus.Fixable, null);

    public static Finding FromLineSpan(Diagnostic d, string path)
    {
        var span = d.Location.GetLineSpan();
        return NewFinding(d, path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1, null);
    }

    public static IEnumerable<Finding> MapFindings(IEnumerable<FoundDiagnostic> initial, IEnumerable<UnfixedDiagnostic> unfixed,
        SourceText oldText, SourceText newText, Func<Diagnostic, Finding> locateInitial, Func<Diagnostic, Finding> locateFixed)
    {
        // An unfixed diagnostic is matched to an initial one of the same rule over the same code; the others were fixed.
        var pending = initial.ToList();
        var result = new List<Finding>();
        foreach (var u in unfixed)
        {
            var code = newText.ToString(u.Diagnostic.Location.SourceSpan);
            var match = pending.FindIndex(i => i.Id == u.Diagnostic.Id && oldText.ToString(i.Span) == code);
            if (match >= 0)
            {
                result.Add(locateInitial(pending[match].Diagnostic) with { Status = FindingStatus.Unfixable, Reason = u.Reason });
                pending.RemoveAt(match);
            }
            else
            {
                result.Add(locateFixed(u.Diagnostic) with { Status = FindingStatus.Unfixable, Reason = u.Reason });
            }
        }

        result.AddRange(pending.Select(p => locateInitial(p.Diagnostic)));
        return result;
    }
}
