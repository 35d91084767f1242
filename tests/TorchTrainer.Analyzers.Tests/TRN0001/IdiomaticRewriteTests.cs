using Microsoft.CodeAnalysis;
using TorchTrainer.Analyzers.CodeFixes;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests.TRN0001;

/// <summary>
/// The idiomatic tier of TRN0001: each recognised shape is offered as a second code action, after the exact fix (the
/// default, Fix All's and dotnet format's choice), titled with its semantic difference, under its own equivalence key.
/// </summary>
public class IdiomaticRewriteTests
{
    private const string Exact = "TorchTrainer.TRN0001";
    private const string Idiomatic = "TorchTrainer.TRN0001.Idiomatic";

    private static string Program(string body) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using TorchTrainer;

        static class C
        {
            static void M(TrainingResults results)
            {
                {{body}}
            }
        }
        """;

    [Theory]
    // The seed's report: interpolation holes print a double? as they printed the double.
    [InlineData("""Console.WriteLine($"   Val Loss: {results.ValLossHistory[^1]:F4}");""", """Console.WriteLine($"   Val Loss: {results.FinalValLoss:F4}");""", "Use 'FinalValLoss' (last validated epoch)")]
    [InlineData("""Console.WriteLine($"   Perplexity: {Math.Exp(results.ValLossHistory[^1]):F2}");""", """Console.WriteLine($"   Perplexity: {results.Perplexity:F2}");""", "Use 'Perplexity' (last validated epoch)")]
    [InlineData("var bestEpoch = results.ValLossHistory.ToList().IndexOf(results.ValLossHistory.Min()) + 1;", "var bestEpoch = results.BestEpoch;", "Use 'BestEpoch' (NaN epochs skipped)")]
    // Where a double is needed, the double? reads as a double: NaN where there is no validated epoch.
    [InlineData("var last = results.ValLossHistory.Last();", "var last = results.FinalValLoss ?? double.NaN;", "Use 'FinalValLoss' (last validated epoch)")]
    [InlineData("double p = Math.Exp(results.ValLossHistory[results.ValLossHistory.Count - 1]);", "double p = results.Perplexity ?? double.NaN;", "Use 'Perplexity' (last validated epoch)")]
    [InlineData("var twice = 2 * results.ValLossHistory[^1];", "var twice = 2 * (results.FinalValLoss ?? double.NaN);", "Use 'FinalValLoss' (last validated epoch)")]
    [InlineData("Console.WriteLine(Math.Exp(results.ValLossHistory[^1]));", "Console.WriteLine(results.Perplexity ?? double.NaN);", "Use 'Perplexity' (last validated epoch)")]
    [InlineData("var s = results.ValLossHistory[^1].ToString(\"F4\");", "var s = (results.FinalValLoss ?? double.NaN).ToString(\"F4\");", "Use 'FinalValLoss' (last validated epoch)")]
    // The common hand-written arg-min shapes.
    [InlineData("var b = 1 + Array.IndexOf(results.ValLossHistory.ToArray(), results.ValLossHistory.Min());", "var b = results.BestEpoch;", "Use 'BestEpoch' (NaN epochs skipped)")]
    [InlineData("var b = new List<double>(results.ValLossHistory).IndexOf(results.ValLossHistory.Min()) + 1;", "var b = results.BestEpoch;", "Use 'BestEpoch' (NaN epochs skipped)")]
    [InlineData("var b = results.ValLossHistory.Select((v, i) => (v, i)).MinBy(t => t.v).i + 1;", "var b = results.BestEpoch;", "Use 'BestEpoch' (NaN epochs skipped)")]
    [InlineData("var b = results.ValLossHistory.Select((loss, epoch) => new { Loss = loss, epoch }).OrderBy(x => x.Loss).First().epoch + 1;", "var b = results.BestEpoch;", "Use 'BestEpoch' (NaN epochs skipped)")]
    [InlineData("var b = results.ValLossHistory.Select((v, i) => (v, i)).MinBy(t => t.Item1).Item2 + 1;", "var b = results.BestEpoch;", "Use 'BestEpoch' (NaN epochs skipped)")]
    [InlineData("""
        var best = 0;
                for (var i = 1; i < results.ValLossHistory.Count; i++)
                {
                    if (results.ValLossHistory[i] < results.ValLossHistory[best]) best = i;
                }
                Console.WriteLine(best + 1);
        """, """
        var best = results.BestEpoch - 1;
                Console.WriteLine(best + 1);
        """, "Use 'BestEpoch' (NaN epochs skipped)")]
    public async Task Shape_is_offered_second_with_its_difference_in_the_title(string legacy, string idiomatic, string title)
    {
        using var workspace = new AdhocWorkspace();
        var document = Fixing.CreateDocument(workspace, Program(legacy), LibraryVersion.V4);
        var diagnostics = await Fixing.AnalyzeAsync(document);
        Assert.NotEmpty(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            var actions = await Fixing.GetFixesAsync(document, diagnostic);
            Assert.Equal(2, actions.Count);
            Assert.Equal(Exact, actions[0].EquivalenceKey);
            Assert.Equal("Use 'MetricsSummary.ValLoss'", actions[0].Title);
            Assert.Equal(Idiomatic, actions[1].EquivalenceKey);
            Assert.Equal(title, actions[1].Title);
            var rewritten = await Fixing.ApplyAsync(document, actions[1]);
            Assert.Equal(Program(idiomatic), (await rewritten.GetTextAsync()).ToString());
        }

        // Every use in the shape offers the same rewrite; applied together (Fix All with the idiomatic key) it is made once.
        var all = await Fixing.FixAllIdiomaticAsync(document);
        Assert.Equal(Program(idiomatic), (await all.GetTextAsync()).ToString());
        Assert.Empty((await all.GetSemanticModelAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("var all = results.ValLossHistory.Count;")]
    [InlineData("var first = results.ValLossHistory[0];")]
    [InlineData("var loss = results.LossHistory[^1];")] // FinalLoss is already the exact fix
    [InlineData("var b = results.ValLossHistory.ToList().IndexOf(results.ValLossHistory.Max()) + 1;")] // arg-max: not BestEpoch
    [InlineData("var b = results.ValLossHistory.ToList().IndexOf(results.ValLossHistory.Min());")] // 0-based: not an epoch
    [InlineData("TrainingResults o = results; var b = results.ValLossHistory.ToList().IndexOf(o.ValLossHistory.Min()) + 1;")] // two receivers
    [InlineData("var p = Math.Exp(results.ValLossHistory[^1] /* last */);")] // a comment would be lost
    [InlineData("var p = results?.ValLossHistory[^1];")]
    public async Task Other_uses_offer_only_the_exact_fix(string legacy)
    {
        using var workspace = new AdhocWorkspace();
        var document = Fixing.CreateDocument(workspace, Program(legacy), LibraryVersion.V4);
        var diagnostics = await Fixing.AnalyzeAsync(document);
        Assert.NotEmpty(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            var action = Assert.Single(await Fixing.GetFixesAsync(document, diagnostic));
            Assert.Equal(Exact, action.EquivalenceKey);
        }
    }

    [Fact]
    public async Task Fix_All_and_dotnet_format_apply_the_exact_tier_only()
    {
        using var workspace = new AdhocWorkspace();
        var document = Fixing.CreateDocument(workspace, Program("""Console.WriteLine($"{Math.Exp(results.ValLossHistory[^1]):F2}");"""), LibraryVersion.V4);
        var fixedDocument = await Fixing.FixAllAsync(document);
        Assert.Equal(Program("""Console.WriteLine($"{Math.Exp(results.MetricsSummary.ValLoss[^1]):F2}");"""), (await fixedDocument.GetTextAsync()).ToString());
    }
}
