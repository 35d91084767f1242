using System.Text.RegularExpressions;
using TorchTrainer.Contract;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// The legacy names as text — TRN0001's members and TRN0002's keys (quoted), from the contract's one list of names —
/// for code the analyzers cannot see: C# no configuration compiles, and notebook lines in another .NET language.
/// </summary>
internal static class LegacyNames
{
    public static readonly Regex Pattern = new(
        $@"\b({Regex.Escape(ContractMembers.LossHistory)}|{Regex.Escape(ContractMembers.ValLossHistory)})\b|""({Regex.Escape(KeyNames.LossHistory)}|{Regex.Escape(KeyNames.ValLossHistory)})""",
        RegexOptions.CultureInvariant);
}
