using System.Collections.Immutable;
using System.Reflection;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>
/// What the analyzers cost a project that does not use TorchTrainer: after the one compilation-start action
/// that looks the types up, nothing — no operation, syntax, symbol or compilation-end action, so the compiler
/// never calls them back. Counted by the compiler's own analyzer telemetry (the figures the IDE reports).
/// </summary>
public class RegisteredActionsTests
{
    private const string Code = """
        using System.Collections.Generic;
        using System.Linq;
        class C
        {
            double M(IReadOnlyList<double> losses, Dictionary<string, object> results) =>
                losses[^1] + losses.Last() + ((IReadOnlyList<double>)results["loss_history"]).Count;
        }
        """;

    private static readonly DiagnosticAnalyzer[] Analyzers = [.. RuleCatalog.Analyzers];

    public static TheoryData<string> AnalyzerNames => new(Analyzers.Select(a => a.GetType().Name));

    [Theory]
    [MemberData(nameof(AnalyzerNames))]
    public async Task Without_TorchTrainer_only_the_compilation_start_action_is_registered(string analyzer)
    {
        var telemetry = await TelemetryAsync(analyzer, library: null);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Empty(NonZeroCountsBesidesCompilationStart(telemetry));
    }

    [Theory]
    [MemberData(nameof(AnalyzerNames))]
    public async Task With_a_v3_TorchTrainer_only_the_compilation_start_action_is_registered(string analyzer)
    {
        var telemetry = await TelemetryAsync(analyzer, LibraryVersion.V3);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Empty(NonZeroCountsBesidesCompilationStart(telemetry));
    }

    // The contrast that shows the counts above are measured, not always zero.
    [Theory]
    [MemberData(nameof(AnalyzerNames))]
    public async Task With_TorchTrainer_4_the_rule_registers_its_actions(string analyzer)
    {
        var telemetry = await TelemetryAsync(analyzer, LibraryVersion.V4);
        Assert.NotEmpty(NonZeroCountsBesidesCompilationStart(telemetry));
    }

    private static async Task<AnalyzerTelemetryInfo> TelemetryAsync(string analyzerName, LibraryVersion? library)
    {
        var analyzer = Analyzers.Single(a => a.GetType().Name == analyzerName);
        var references = library is { } version ? TorchTrainerLibrary.References(version).ToList() : TorchTrainerLibrary.Framework.ToList();

        var compilation = CSharpCompilation.Create(
            "Consumer",
            [CSharpSyntaxTree.ParseText(Code, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create(analyzer),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.Empty(diagnostics.Where(d => d.Id == "AD0001"));
        return await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
    }

    /// <summary>Every "...ActionsCount" of the telemetry that is not zero, except the compilation-start count.</summary>
    private static string[] NonZeroCountsBesidesCompilationStart(AnalyzerTelemetryInfo telemetry) =>
        typeof(AnalyzerTelemetryInfo).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(int) && p.Name.EndsWith("ActionsCount", StringComparison.Ordinal))
            .Where(p => p.Name != nameof(AnalyzerTelemetryInfo.CompilationStartActionsCount))
            .Select(p => (p.Name, Count: (int)p.GetValue(telemetry)!))
            .Where(p => p.Count != 0)
            .Select(p => $"{p.Name} = {p.Count}")
            .ToArray();
}
