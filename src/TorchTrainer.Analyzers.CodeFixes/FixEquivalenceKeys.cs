namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>
    /// One equivalence key per diagnostic ID, as dotnet format needs: it runs Fix All with the key of the
    /// first action offered for the first diagnostic of an ID, so every fix of that ID must carry the same key.
    /// </summary>
    internal static class FixEquivalenceKeys
    {
        public const string LegacyMember = "TorchTrainer." + DiagnosticIds.LegacyMember;
        public const string LegacyKey = "TorchTrainer." + DiagnosticIds.LegacyKey;
        public const string NearMissColumn = "TorchTrainer." + DiagnosticIds.NearMissColumn;
        public const string MissingLegacyMember = "TorchTrainer." + LegacyMemberFixer.MissingMemberId;
        public const string MissingLegacyPatternMember = "TorchTrainer." + LegacyMemberFixer.MissingPatternMemberId;
    }
}
