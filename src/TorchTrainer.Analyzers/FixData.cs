using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TorchTrainer.Analyzers
{
    /// <summary>
    /// A rewrite: the replacement it names and the text edits that make it. The replacement (the decision the message
    /// names) always travels in the diagnostic as a property. The edits travel with it only where they cost nothing to
    /// compute (TRN0003: additional locations and texts); for TRN0001 and TRN0002 the code fix computes them from the
    /// document when asked, so a build pays only for the message (see the rule pages and build/bench/analyzers).
    /// </summary>
    public sealed class FixData
    {
        /// <summary>Property naming the replacement (e.g. <c>FinalLoss</c>, <c>MetricsSummary.TrainLoss</c>).</summary>
        public const string ReplacementKey = "Replacement";

        /// <summary>Prefix of the properties holding the new text of each edit, followed by its index.</summary>
        public const string EditTextKeyPrefix = "EditText";

        /// <summary>Creates the data of one rewrite.</summary>
        public FixData(string replacement, ImmutableArray<TextChange> edits)
        {
            Replacement = replacement;
            Edits = edits;
        }

        /// <summary>What the legacy use becomes, as named in the message and the fix's title.</summary>
        public string Replacement { get; }

        /// <summary>The edits, in the document the diagnostic was computed on; non-overlapping.</summary>
        public ImmutableArray<TextChange> Edits { get; }

        /// <summary>Creates a diagnostic carrying this rewrite.</summary>
        public Diagnostic CreateDiagnostic(DiagnosticDescriptor descriptor, Location location, DiagnosticSeverity severity, params object[] messageArgs)
        {
            var tree = location.SourceTree;
            var locations = ImmutableArray.CreateBuilder<Location>(Edits.Length);
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[ReplacementKey] = Replacement;
            for (var i = 0; i < Edits.Length; i++)
            {
                locations.Add(tree is null ? Location.None : Location.Create(tree, Edits[i].Span));
                properties[EditTextKeyPrefix + i.ToString(CultureInfo.InvariantCulture)] = Edits[i].NewText;
            }

            return Diagnostic.Create(descriptor, location, severity, locations.MoveToImmutable(), properties.ToImmutable(), messageArgs);
        }

        /// <summary>
        /// A diagnostic that carries only the decision its message names (the replacement), not the edits: the code fix
        /// computes those when asked. What TRN0001 and TRN0002 report, so that a build pays only for the message.
        /// </summary>
        public static Diagnostic CreateDecisionDiagnostic(DiagnosticDescriptor descriptor, Location location, DiagnosticSeverity severity, string replacement, params object[] messageArgs) =>
            Diagnostic.Create(descriptor, location, severity, additionalLocations: null,
                ImmutableDictionary<string, string?>.Empty.Add(ReplacementKey, replacement), messageArgs);

        /// <summary>Reads the rewrite back from a diagnostic created by <see cref="CreateDiagnostic"/>; null when it carries no edits.</summary>
        public static FixData? FromDiagnostic(Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(ReplacementKey, out var replacement) || replacement is null)
            {
                return null;
            }

            var edits = new List<TextChange>();
            for (var i = 0; i < diagnostic.AdditionalLocations.Count; i++)
            {
                var location = diagnostic.AdditionalLocations[i];
                if (!location.IsInSource
                    || !diagnostic.Properties.TryGetValue(EditTextKeyPrefix + i.ToString(CultureInfo.InvariantCulture), out var text)
                    || text is null)
                {
                    return null;
                }

                edits.Add(new TextChange(location.SourceSpan, text));
            }

            return edits.Count == 0 ? null : new FixData(replacement, edits.ToImmutableArray());
        }
    }
}
