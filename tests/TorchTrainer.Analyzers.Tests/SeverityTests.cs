using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis.Testing;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>Strict mode (build_property.TorchTrainerStrictLegacyApi) and .editorconfig severities.</summary>
public class SeverityTests
{
    private const string Source = """
        using TorchTrainer;
        class C
        {
            object M(TrainingResults r) => r.{|#0:LossHistory|}.Count + r.MetricsSummary[{|#1:"train_loss"|}].Count;
            object K(TrainingResults r) => r[{|#2:"val_loss_history"|}];
        }
        """;

    private static readonly DiagnosticResult Member = new DiagnosticResult(Descriptors.LegacyMember).WithLocation(0)
        .WithArguments("LossHistory", "MetricsSummary.TrainLoss").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    private static readonly DiagnosticResult Column = new DiagnosticResult(Descriptors.NearMissColumn).WithLocation(1)
        .WithArguments("train_loss", "train/loss").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    private static readonly DiagnosticResult Key = new DiagnosticResult(Descriptors.LegacyKey).WithLocation(2)
        .WithArguments("val_loss_history", "MetricsSummary.ValLoss").WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    // All three analyzers run in these tests (the extra ones through OtherAnalyzers below).
    [Fact]
    public Task Warnings_by_default() =>
        RunAllAsync(null, null, Member, Column, Key);

    [Fact]
    public Task Strict_mode_makes_the_legacy_rules_errors_but_not_TRN0003() =>
        RunAllAsync("build_property.TorchTrainerStrictLegacyApi = true\n", null,
            Member.WithSeverity(DiagnosticSeverity.Error), Column, Key.WithSeverity(DiagnosticSeverity.Error));

    [Theory]
    [InlineData("True")]
    [InlineData(" true ")]
    public Task Strict_mode_value_is_case_insensitive(string value) =>
        RunAllAsync($"build_property.TorchTrainerStrictLegacyApi = {value}\n", null,
            Member.WithSeverity(DiagnosticSeverity.Error), Column, Key.WithSeverity(DiagnosticSeverity.Error));

    [Theory]
    [InlineData("false")]
    [InlineData("")]
    [InlineData("1")]
    public Task Other_values_are_not_strict(string value) =>
        RunAllAsync($"build_property.TorchTrainerStrictLegacyApi = {value}\n", null, Member, Column, Key);

    [Fact]
    public Task Editorconfig_severity_wins_over_strict_mode() =>
        RunAllAsync(
            "build_property.TorchTrainerStrictLegacyApi = true\n",
            "dotnet_diagnostic.TRN0001.severity = suggestion\ndotnet_diagnostic.TRN0002.severity = none\n",
            Member.WithSeverity(DiagnosticSeverity.Info), Column);

    // Raising a rule to error is reported by Roslyn as a warning-as-error, which the testing library shows as a
    // warning; so this one asks Roslyn directly, through a workspace with the config files beside the source.
    [Theory]
    [InlineData(null, "dotnet_diagnostic.TRN0001.severity = error\ndotnet_diagnostic.TRN0003.severity = error\n", "TRN0001 Error, TRN0002 Warning, TRN0003 Error")]
    [InlineData("build_property.TorchTrainerStrictLegacyApi = true\n", "dotnet_diagnostic.TRN0001.severity = warning\n", "TRN0001 Warning, TRN0002 Error, TRN0003 Warning")]
    [InlineData("build_property.TorchTrainerStrictLegacyApi = true\n", "dotnet_diagnostic.TRN0002.severity = silent\n", "TRN0001 Error, TRN0002 Hidden, TRN0003 Warning")]
    [InlineData("build_property.TorchTrainerStrictLegacyApi = true\n", null, "TRN0001 Error, TRN0002 Error, TRN0003 Warning")]
    public async Task Effective_severities_as_the_compiler_reports_them(string? globalConfig, string? editorConfig, string expected)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "P", "P", LanguageNames.CSharp, filePath: "/P/P.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            metadataReferences: TorchTrainerLibrary.References(LibraryVersion.V4)));
        var code = Source.Replace("{|#0:", "").Replace("{|#1:", "").Replace("{|#2:", "").Replace("|}", "");
        solution = solution.AddDocument(DocumentId.CreateNewId(projectId), "T.cs", SourceText.From(code), filePath: "/P/T.cs");
        if (globalConfig is not null)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".globalconfig", SourceText.From("is_global = true\n" + globalConfig), filePath: "/P/.globalconfig");
        }

        if (editorConfig is not null)
        {
            solution = solution.AddAnalyzerConfigDocument(DocumentId.CreateNewId(projectId), ".editorconfig", SourceText.From("root = true\n[*.cs]\n" + editorConfig), filePath: "/P/.editorconfig");
        }

        var project = solution.GetProject(projectId)!;
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers(
            RuleCatalog.Analyzers,
            project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(expected, string.Join(", ", diagnostics.OrderBy(d => d.Id).Select(d => $"{d.Id} {d.Severity}")));
    }

    private static async Task RunAllAsync(string? globalConfig, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new AllAnalyzersTest { TestCode = Source };
        if (globalConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + globalConfig));
        }

        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
