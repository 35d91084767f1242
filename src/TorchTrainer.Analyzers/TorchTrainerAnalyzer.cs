using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TorchTrainer.Analyzers
{
    /// <summary>
    /// Base of every TorchTrainer analyzer: skips generated code, runs concurrently, and registers
    /// the rule's actions only for compilations that reference a TorchTrainer with the modern API.
    /// </summary>
    public abstract class TorchTrainerAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public sealed override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var types = TorchTrainerTypes.TryCreate(start.Compilation);
                if (types is null)
                {
                    return;
                }

                var strict = start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(Contract.StrictModeNames.AnalyzerOption, out var value)
                    && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
                Register(start, types, strict);
            });
        }

        /// <summary>Registers the rule's actions for one compilation that references TorchTrainer v4+.</summary>
        /// <param name="context">The compilation-start context.</param>
        /// <param name="types">The TorchTrainer symbols of this compilation.</param>
        /// <param name="strictLegacyApi">True when <c>TorchTrainerStrictLegacyApi=true</c> is set for the project.</param>
        protected abstract void Register(CompilationStartAnalysisContext context, TorchTrainerTypes types, bool strictLegacyApi);

        /// <summary>The severity of a legacy-API diagnostic: the descriptor's, or error in strict mode.
        /// An .editorconfig <c>dotnet_diagnostic.ID.severity</c> still overrides it (the compiler applies it after the analyzer).</summary>
        protected static DiagnosticSeverity LegacySeverity(DiagnosticDescriptor descriptor, bool strictLegacyApi) =>
            strictLegacyApi ? DiagnosticSeverity.Error : descriptor.DefaultSeverity;
    }
}
