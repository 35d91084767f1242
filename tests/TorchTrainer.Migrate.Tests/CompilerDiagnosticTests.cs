using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchTrainer.Migrate.Cli;
using TorchTrainer.Migrate.Fixing;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// A fixer may also declare compiler diagnostics (the real TRN0001 fixer repairs CS1061 once v5.0 removed the legacy
/// members). The engine takes them from the same analysis as the analyzers' diagnostics; here the analyzer is silent
/// (it only flags members that exist) and only CS1061 leads to the rewrite.
/// </summary>
public sealed class CompilerDiagnosticTests
{
    private const string V5Stubs = """
        public sealed class MetricsSummary
        {
            public System.Collections.Generic.IReadOnlyList<double> TrainLoss { get; } = new double[] { 2.5, 2.0 };
        }
        public sealed class TrainingResults
        {
            public MetricsSummary MetricsSummary { get; } = new MetricsSummary();
        }
        """;

    [Fact]
    public async Task A_compiler_error_a_fixer_declares_is_found_and_fixed()
    {
        using var dir = new TempDir();
        var app = "#:property Nullable=enable\n\nvar r = new TrainingResults();\nConsole.WriteLine(r.LossHistory[^1]);\n\n" + V5Stubs + "\n";
        dir.Write("train.cs", app);
        var set = new AnalyzerSet([new ResolvedMemberAnalyzer()], [new MissingMemberFixer()], "test analyzers (v5)");

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await MigrateCommand.RunAsync(["--report", "report.json", "train.cs"], output, error, set, dir.Path, CancellationToken.None);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Equal(app.Replace("r.LossHistory[^1]", "r.MetricsSummary.TrainLoss[^1]", StringComparison.Ordinal), dir.Text("train.cs"));
        using var json = System.Text.Json.JsonDocument.Parse(dir.Text("report.json"));
        var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("CS1061", finding.GetProperty("rule_id").GetString());
        Assert.Equal("fixed", finding.GetProperty("status").GetString());
    }

    /// <summary>
    /// TRN0001 for a resolved <c>LossHistory</c> member only: silent where the member no longer exists. Injected, not
    /// exported (no [DiagnosticAnalyzer]), so that reflection over this assembly still finds the one test analyzer.
    /// </summary>
    private sealed class ResolvedMemberAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [TestLegacyMemberAnalyzer.Rule];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxNodeAction(
                c =>
                {
                    var access = (MemberAccessExpressionSyntax)c.Node;
                    if (access.Name.Identifier.ValueText == "LossHistory" && c.SemanticModel.GetSymbolInfo(access, c.CancellationToken).Symbol is not null)
                    {
                        c.ReportDiagnostic(Diagnostic.Create(TestLegacyMemberAnalyzer.Rule, access.GetLocation(), "LossHistory", "MetricsSummary.TrainLoss"));
                    }
                },
                SyntaxKind.SimpleMemberAccessExpression);
        }
    }

    /// <summary>Rewrites <c>x.LossHistory</c> for TRN0001 and for CS1061 on that name.</summary>
    private sealed class MissingMemberFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ["TRN0001", "CS1061"];

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var node = root?.FindNode(context.Span, getInnermostNodeForTie: true);
            var access = node as MemberAccessExpressionSyntax ?? node?.Parent as MemberAccessExpressionSyntax;
            if (access is null || access.Name.Identifier.ValueText != "LossHistory")
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Use MetricsSummary.TrainLoss", async ct =>
                {
                    var replacement = SyntaxFactory.ParseExpression($"{access.Expression}.MetricsSummary.TrainLoss").WithTriviaFrom(access);
                    var current = await context.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                    return context.Document.WithSyntaxRoot(current!.ReplaceNode(access, replacement));
                }, "TorchTrainer.TRN0001"),
                context.Diagnostics);
        }
    }
}
