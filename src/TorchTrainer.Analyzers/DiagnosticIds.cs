namespace TorchTrainer.Analyzers
{
    /// <summary>The IDs of every TorchTrainer diagnostic, in one place.</summary>
    public static class DiagnosticIds
    {
        /// <summary>Use of a legacy results member (LossHistory / ValLossHistory).</summary>
        public const string LegacyMember = "TRN0001";

        /// <summary>A legacy key read through the results' string-keyed view.</summary>
        public const string LegacyKey = "TRN0002";

        /// <summary>A near-miss of a standard metrics column name.</summary>
        public const string NearMissColumn = "TRN0003";
    }
}
