using System.Linq;
using Microsoft.CodeAnalysis;

namespace TorchTrainer.Analyzers
{
    /// <summary>
    /// The TorchTrainer symbols the analyzers look for, resolved once per compilation.
    /// Legacy members are null when the referenced library no longer has them (v5.0).
    /// </summary>
    public sealed class TorchTrainerTypes
    {
        /// <summary>Metadata name of the results type.</summary>
        public const string TrainingResultsMetadataName = "TorchTrainer.TrainingResults";

        private TorchTrainerTypes(
            INamedTypeSymbol trainingResults,
            INamedTypeSymbol metricsSummary,
            INamedTypeSymbol? epochMetrics,
            IPropertySymbol? lossHistory,
            IPropertySymbol? valLossHistory,
            IPropertySymbol? resultsStringIndexer,
            INamedTypeSymbol readOnlyListOfDouble)
        {
            TrainingResults = trainingResults;
            MetricsSummary = metricsSummary;
            EpochMetrics = epochMetrics;
            LossHistory = lossHistory;
            ValLossHistory = valLossHistory;
            ResultsStringIndexer = resultsStringIndexer;
            ReadOnlyListOfDouble = readOnlyListOfDouble;
        }

        /// <summary><c>TorchTrainer.TrainingResults</c>.</summary>
        public INamedTypeSymbol TrainingResults { get; }

        /// <summary><c>TorchTrainer.MetricsSummary</c>.</summary>
        public INamedTypeSymbol MetricsSummary { get; }

        /// <summary><c>TorchTrainer.EpochMetrics</c>, when present.</summary>
        public INamedTypeSymbol? EpochMetrics { get; }

        /// <summary><c>TrainingResults.LossHistory</c>; null from v5.0 on.</summary>
        public IPropertySymbol? LossHistory { get; }

        /// <summary><c>TrainingResults.ValLossHistory</c>; null from v5.0 on.</summary>
        public IPropertySymbol? ValLossHistory { get; }

        /// <summary><c>TrainingResults.this[string]</c>, when present.</summary>
        public IPropertySymbol? ResultsStringIndexer { get; }

        /// <summary><c>IReadOnlyList&lt;double&gt;</c>, the type of the legacy members and their replacements.</summary>
        public INamedTypeSymbol ReadOnlyListOfDouble { get; }

        /// <summary>
        /// Resolves the symbols, or returns null when the analyzers have nothing to do: the library
        /// is not referenced, or it is a v3.x library without the modern API (no
        /// <c>TrainingResults.MetricsSummary</c>), whose users have nothing to migrate to yet.
        /// </summary>
        public static TorchTrainerTypes? TryCreate(Compilation compilation)
        {
            var results = compilation.GetTypeByMetadataName(TrainingResultsMetadataName);
            var summary = compilation.GetTypeByMetadataName("TorchTrainer.MetricsSummary");
            if (results is null || summary is null)
            {
                return null;
            }

            var modern = results.GetMembers("MetricsSummary").OfType<IPropertySymbol>().FirstOrDefault();
            if (modern is null || !SymbolEqualityComparer.Default.Equals(modern.Type, summary))
            {
                return null;
            }

            var list = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
            if (list is null)
            {
                return null;
            }

            var readOnlyListOfDouble = list.Construct(compilation.GetSpecialType(SpecialType.System_Double));
            return new TorchTrainerTypes(
                results,
                summary,
                compilation.GetTypeByMetadataName("TorchTrainer.EpochMetrics"),
                FindProperty(results, "LossHistory"),
                FindProperty(results, "ValLossHistory"),
                results.GetMembers("this[]").OfType<IPropertySymbol>()
                    .FirstOrDefault(p => p.Parameters.Length == 1 && p.Parameters[0].Type.SpecialType == SpecialType.System_String),
                readOnlyListOfDouble);
        }

        private static IPropertySymbol? FindProperty(INamedTypeSymbol type, string name) =>
            type.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic && p.Parameters.Length == 0);
    }
}
