using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Contract;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// The legacy names — TRN0001's members and TRN0002's keys, from the contract's one list of names — for the gate's own
/// scans: as sets for the semantic ones (UnboundNames, RuntimeKeys, ReflectedNames), and as text (keys quoted) for code
/// the analyzers cannot see: C# no configuration compiles, notebook lines in another .NET language, Razor markup,
/// scripts a notebook loads, C# files nothing compiles.
/// </summary>
internal static class LegacyNames
{
    /// <summary>TRN0001's legacy members, by name.</summary>
    public static readonly IReadOnlySet<string> Members = new HashSet<string>(StringComparer.Ordinal) { ContractMembers.LossHistory, ContractMembers.ValLossHistory };

    /// <summary>TRN0002's legacy keys of the string-keyed view.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal) { KeyNames.LossHistory, KeyNames.ValLossHistory };

    public static readonly Regex Pattern = new(
        $@"\b({Regex.Escape(ContractMembers.LossHistory)}|{Regex.Escape(ContractMembers.ValLossHistory)})\b|""({Regex.Escape(KeyNames.LossHistory)}|{Regex.Escape(KeyNames.ValLossHistory)})""",
        RegexOptions.CultureInvariant);

    /// <summary>Each legacy name in <paramref name="text"/>, with its 1-based line (lines as the compiler counts them).</summary>
    public static IEnumerable<(int Line, string Name)> In(SourceText text) =>
        Pattern.Matches(text.ToString()).Select(m => (text.Lines.GetLineFromPosition(m.Index).LineNumber + 1, m.Value));

    /// <summary>A place in code the analyzers cannot see that holds a legacy name (1-based line; 0: the whole file), and why it is not analysed.</summary>
    internal sealed record Unseen(string Path, int Line, string Reason);

    /// <summary>Each legacy name in a file's text as an <see cref="Unseen"/> place, its reason written from the name.</summary>
    public static IEnumerable<Unseen> UnseenIn(string path, SourceText text, Func<string, string> reason) =>
        In(text).Select(n => new Unseen(path, n.Line, reason(n.Name)));
}
