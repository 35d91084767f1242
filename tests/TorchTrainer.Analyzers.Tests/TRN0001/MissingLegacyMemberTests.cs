using Microsoft.CodeAnalysis.Testing;
using TorchTrainer.Analyzers.Tests.Infrastructure;
using V = TorchTrainer.Analyzers.Tests.Infrastructure.Verify<TorchTrainer.Analyzers.LegacyMemberAnalyzer, TorchTrainer.Analyzers.CodeFixes.LegacyMemberFixer>;

namespace TorchTrainer.Analyzers.Tests.TRN0001;

/// <summary>v5.0 has no legacy members: the same fix repairs the resulting CS1061 errors.</summary>
public class MissingLegacyMemberTests
{
    private const string Header = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using TorchTrainer;

        """;

    [Theory]
    [InlineData("r.{|CS1061:LossHistory|}[^1]", "r.FinalLoss")]
    [InlineData("r.{|CS1061:LossHistory|}.Last()", "r.FinalLoss")]
    [InlineData("r.{|CS1061:LossHistory|}[r.{|CS1061:LossHistory|}.Count - 1]", "r.FinalLoss")]
    [InlineData("r.{|CS1061:LossHistory|}.LastOrDefault()", "r.MetricsSummary.TrainLoss.LastOrDefault()")]
    [InlineData("r.{|CS1061:LossHistory|}", "r.MetricsSummary.TrainLoss")]
    [InlineData("r?{|CS1061:.LossHistory|}.Count", "r?.MetricsSummary.TrainLoss.Count")]
    [InlineData("r?{|CS1061:.LossHistory|}[^1]", "r?.FinalLoss")]
    [InlineData("r.{|CS1061:ValLossHistory|}[^1]", "r.MetricsSummary.ValLoss[^1]")]
    [InlineData("GetResults().{|CS1061:ValLossHistory|}", "GetResults().MetricsSummary.ValLoss")]
    [InlineData("new { r.{|CS1061:LossHistory|} }.LossHistory", "new { LossHistory = r.MetricsSummary.TrainLoss }.LossHistory")]
    [InlineData("r is { {|CS0117:LossHistory|}.Count: > 3 }", "r is { MetricsSummary.TrainLoss.Count: > 3 }")]
    [InlineData("r is { {|CS0117:ValLossHistory|}: { Count: 0 } }", "r is { MetricsSummary.ValLoss: { Count: 0 } }")]
    public Task Fixes_CS1061_on_TrainingResults(string legacy, string modern) =>
        V.FixAsync(LibraryVersion.V5, Method(legacy), Method(modern));

    [Fact]
    public Task No_fix_for_other_receivers() =>
        V.FixAsync(
            LibraryVersion.V5,
            Header + "class C { object M(Version v) => v.{|CS1061:LossHistory|}; }",
            Header + "class C { object M(Version v) => v.{|CS1061:LossHistory|}; }");

    [Fact]
    public async Task Fix_all_repairs_every_CS1061_of_the_document()
    {
        var test = new Test<LegacyMemberAnalyzer, CodeFixes.LegacyMemberFixer>(LibraryVersion.V5)
        {
            TestCode = Method("r.{|CS1061:LossHistory|}[^1] + r.{|CS1061:ValLossHistory|}.Count + r.{|CS1061:LossHistory|}.Count"),
            FixedCode = Method("r.FinalLoss + r.MetricsSummary.ValLoss.Count + r.MetricsSummary.TrainLoss.Count"),
        };
        await test.RunAsync();
    }

    private static string Method(string expression) => Header + $$"""
        class C
        {
            private TrainingResults _field = null!;
            private TrainingResults GetResults() => _field;

            object M(TrainingResults r)
            {
                return {{expression}};
            }
        }
        """;
}
