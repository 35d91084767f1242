using System.Linq;
using Microsoft.CodeAnalysis;
using TorchTrainer.Contract;

namespace TorchTrainer.Analyzers
{
    /// <summary>
    /// The TorchTrainer symbols the analyzers look for, resolved once per compilation.
    /// Legacy members are null when the referenced library no longer has them (v5.0).
    /// </summary>
    public sealed class TorchTrainerTypes
    {
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
        /// <remarks>
        /// The types are looked up in the referenced TorchTrainer assembly only, never through
        /// <see cref="Compilation.GetTypeByMetadataName(string)"/>: that also searches the compilation's own
        /// source, and its first call on a compilation waits for the declarations of every source file. Called
        /// from a compilation-start action, it had the compiler's declaration work (0.2-0.3 s in a 1,000-file
        /// project, build/bench/analyzers) charged to these analyzers, in projects that do not use TorchTrainer.
        /// </remarks>
        public static TorchTrainerTypes? TryCreate(Compilation compilation)
        {
            var library = FindLibrary(compilation);
            var results = library?.GetTypeByMetadataName(ContractTypes.TrainingResultsMetadataName);
            var summary = library?.GetTypeByMetadataName(ContractTypes.MetricsSummaryMetadataName);
            if (library is null || results is null || summary is null)
            {
                return null;
            }

            var modern = results.GetMembers(ContractMembers.MetricsSummary).OfType<IPropertySymbol>().FirstOrDefault();
            if (modern is null || !SymbolEqualityComparer.Default.Equals(modern.Type, summary))
            {
                return null;
            }

            var list = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T);
            if (list.TypeKind == TypeKind.Error)
            {
                return null;
            }

            var readOnlyListOfDouble = list.Construct(compilation.GetSpecialType(SpecialType.System_Double));
            return new TorchTrainerTypes(
                results,
                summary,
                library.GetTypeByMetadataName(ContractTypes.EpochMetricsMetadataName),
                FindProperty(results, ContractMembers.LossHistory),
                FindProperty(results, ContractMembers.ValLossHistory),
                results.GetMembers("this[]").OfType<IPropertySymbol>()
                    .FirstOrDefault(p => p.Parameters.Length == 1 && p.Parameters[0].Type.SpecialType == SpecialType.System_String),
                readOnlyListOfDouble);
        }

        // The referenced assembly named TorchTrainer: a cheap scan of the references, which the compiler has bound
        // before any analyzer runs.
        private static IAssemblySymbol? FindLibrary(Compilation compilation)
        {
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (assembly.Identity.Name == ContractTypes.AssemblyName)
                {
                    return assembly;
                }
            }

            return null;
        }

        private static IPropertySymbol? FindProperty(INamedTypeSymbol type, string name) =>
            type.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic && p.Parameters.Length == 0);
    }
}
