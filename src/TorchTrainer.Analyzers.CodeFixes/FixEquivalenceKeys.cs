namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>
    /// The equivalence keys of the fixes. The exact tier has one key per diagnostic ID, as dotnet format needs: it runs
    /// Fix All with the key of the first action offered for the first diagnostic of an ID, so every exact fix of that ID
    /// carries the same key (and is offered first). The idiomatic tier (second choices that may change values on some
    /// runs) has its own key per ID, the exact key plus <see cref="IdiomaticSuffix"/>, which only
    /// <c>trainer-migrate --idiomatic</c> asks for.
    /// </summary>
    public static class FixEquivalenceKeys
    {
        /// <summary>Appended to an ID's exact key to form the key of its idiomatic rewrites.</summary>
        public const string IdiomaticSuffix = ".Idiomatic";

        /// <summary>TRN0001, exact tier.</summary>
        public const string LegacyMember = "TorchTrainer." + DiagnosticIds.LegacyMember;

        /// <summary>TRN0001, idiomatic tier (Perplexity, FinalValLoss, BestEpoch).</summary>
        public const string LegacyMemberIdiomatic = LegacyMember + IdiomaticSuffix;

        /// <summary>TRN0002.</summary>
        public const string LegacyKey = "TorchTrainer." + DiagnosticIds.LegacyKey;

        /// <summary>TRN0003.</summary>
        public const string NearMissColumn = "TorchTrainer." + DiagnosticIds.NearMissColumn;

        /// <summary>CS1061 on a legacy member (v5.0).</summary>
        public const string MissingLegacyMember = "TorchTrainer." + LegacyMemberFixer.MissingMemberId;

        /// <summary>CS0117 on a legacy member in a property pattern (v5.0).</summary>
        public const string MissingLegacyPatternMember = "TorchTrainer." + LegacyMemberFixer.MissingPatternMemberId;
    }
}
