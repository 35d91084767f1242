using Microsoft.CodeAnalysis;

namespace TorchTrainer.Analyzers
{
    /// <summary>Every diagnostic TorchTrainer reports, in one place. Each links to its page, docs/rules/{ID}.md in the repository.</summary>
    public static class Descriptors
    {
        /// <summary>Where the rule pages are: the repository address of the package metadata (MSBuild TorchTrainerRepositoryUrl).</summary>
        public const string HelpLinkBase = RepositoryInfo.Url + "/blob/main/docs/rules/";

        /// <summary>The category of the legacy-API rules (TRN0001, TRN0002).</summary>
        public const string MigrationCategory = "Migration";

        /// <summary>The category of the metrics column rule (TRN0003).</summary>
        public const string UsageCategory = "Usage";

        /// <summary>TRN0001: any use of <c>TrainingResults.LossHistory</c> / <c>ValLossHistory</c>.</summary>
        public static readonly DiagnosticDescriptor LegacyMember = new DiagnosticDescriptor(
            DiagnosticIds.LegacyMember,
            title: "Legacy TrainingResults member is used",
            messageFormat: "'{0}' is a legacy member, removed in TorchTrainer 5.0: use '{1}'",
            category: MigrationCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "LossHistory and ValLossHistory are the v3.x results API. They work in v4.x with a run-time warning, throw in strict mode and are removed in v5.0. MetricsSummary, FinalLoss and FinalValLoss replace them.",
            helpLinkUri: HelpLinkBase + DiagnosticIds.LegacyMember + ".md");

        /// <summary>TRN0002: a legacy string key read through <c>TrainingResults[string]</c>.</summary>
        public static readonly DiagnosticDescriptor LegacyKey = new DiagnosticDescriptor(
            DiagnosticIds.LegacyKey,
            title: "Legacy results key is read",
            messageFormat: "Key '{0}' is a legacy key, removed in TorchTrainer 5.0: use '{1}'",
            category: MigrationCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The keys \"loss_history\" and \"val_loss_history\" of the string-keyed results view are the v3.x names. They behave like the legacy members: a run-time warning in v4.x, an exception in strict mode, gone in v5.0.",
            helpLinkUri: HelpLinkBase + DiagnosticIds.LegacyKey + ".md");

        /// <summary>TRN0003: a near miss of a standard metrics column name.</summary>
        public static readonly DiagnosticDescriptor NearMissColumn = new DiagnosticDescriptor(
            DiagnosticIds.NearMissColumn,
            title: "Metrics column name is a near miss of a standard column",
            messageFormat: "'{0}' is not a standard metrics column: did you mean '{1}'?",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "MetricsSummary and EpochMetrics throw KeyNotFoundException for an unknown column (TryGetColumn returns false). The standard columns are epoch, train/loss, val/loss, val/perplexity, lr and time/epoch_s.",
            helpLinkUri: HelpLinkBase + DiagnosticIds.NearMissColumn + ".md");
    }
}
