using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchTrainer.Migrate.Fixing;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// Stand-in for the real TRN0001 analyzer until branch 'analyzers' lands: flags <c>x.LossHistory</c> and
/// <c>x.ValLossHistory</c> on a type named TrainingResults. Only LossHistory gets a fix (ValLossHistory stays
/// unfixable here, to exercise the "could not fix" path).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TestLegacyMemberAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = new(
        "TRN0001", "Legacy TrainingResults member", "'{0}' is a legacy member; use '{1}'", "Migration",
        DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: "https://example.invalid/TRN0001");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSyntaxNodeAction(Analyze, SyntaxKind.SimpleMemberAccessExpression);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context)
    {
        var access = (MemberAccessExpressionSyntax)context.Node;
        var name = access.Name.Identifier.ValueText;
        if (name is not ("LossHistory" or "ValLossHistory"))
        {
            return;
        }

        if (context.SemanticModel.GetTypeInfo(access.Expression, context.CancellationToken).Type?.Name != "TrainingResults")
        {
            return;
        }

        var replacement = name == "LossHistory" ? "MetricsSummary.TrainLoss" : "MetricsSummary.ValLoss";
        context.ReportDiagnostic(Diagnostic.Create(Rule, access.GetLocation(), name, replacement));
    }
}

/// <summary>Rewrites <c>x.LossHistory</c> to <c>x.MetricsSummary.TrainLoss</c> (test stand-in for the real fixer).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class TestLegacyMemberFixer : CodeFixProvider
{
    public const string EquivalenceKey = "TorchTrainer.TRN0001";

    public override ImmutableArray<string> FixableDiagnosticIds => ["TRN0001"];

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not MemberAccessExpressionSyntax access
            || access.Name.Identifier.ValueText != "LossHistory")
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create("Use MetricsSummary.TrainLoss", ct => Rewrite(context.Document, access, ct), EquivalenceKey),
            context.Diagnostics);
    }

    private static async Task<Document> Rewrite(Document document, MemberAccessExpressionSyntax access, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var replacement = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, access.Expression, SyntaxFactory.IdentifierName("MetricsSummary")),
                SyntaxFactory.IdentifierName("TrainLoss"))
            .WithTriviaFrom(access);
        return document.WithSyntaxRoot(root!.ReplaceNode(access, replacement));
    }
}

internal static class TestAnalyzers
{
    public static AnalyzerSet Set { get; } = new([new TestLegacyMemberAnalyzer()], [new TestLegacyMemberFixer()], "test analyzers");

    /// <summary>Declarations the test sources compile against (a stand-in for the TorchTrainer results types).</summary>
    public const string Stubs = """
        public sealed class MetricsSummary
        {
            public System.Collections.Generic.IReadOnlyList<double> TrainLoss { get; } = new double[] { 2.5, 2.0 };
            public System.Collections.Generic.IReadOnlyList<double> ValLoss { get; } = new double[] { 2.6, 2.1 };
        }
        public sealed class TrainingResults
        {
            public MetricsSummary MetricsSummary { get; } = new MetricsSummary();
            public System.Collections.Generic.IReadOnlyList<double> LossHistory => MetricsSummary.TrainLoss;
            public System.Collections.Generic.IReadOnlyList<double> ValLossHistory => MetricsSummary.ValLoss;
        }
        """;
}
