namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>One equivalence key per diagnostic ID, as dotnet format needs.</summary>
    internal static class FixEquivalenceKeys
    {
        public const string LegacyMember = "TorchTrainer." + DiagnosticIds.LegacyMember;
    }
}
