using Microsoft.CodeAnalysis;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>
/// dotnet format fixes an ID with the equivalence key of the first action offered for its first diagnostic, so
/// every diagnostic of an ID must offer exactly one exact fix, first, with the one key of that ID. A second action,
/// where offered, is the idiomatic tier with its own key (which Fix All under the ID's key never picks).
/// </summary>
public class EquivalenceKeyTests
{
    private const string ColumnSource = """
        using TorchTrainer;
        class C
        {
            object M(MetricsSummary m, EpochMetrics e) => m["train_loss"].Count + e["Val/Loss"] + (m.TryGetColumn("lR", out var lr) ? lr.Count : 0);
        }
        """;

    [Theory]
    [InlineData(LibraryVersion.V4)]
    [InlineData(LibraryVersion.V5)]
    public async Task Every_diagnostic_offers_one_fix_with_the_key_of_its_ID(LibraryVersion version)
    {
        using var workspace = new AdhocWorkspace();
        var checkedDiagnostics = 0;
        var idiomatic = 0;
        foreach (var source in new[] { BehaviourTests.LegacyProgram, ColumnSource })
        {
            var document = Fixing.CreateDocument(workspace, source, version);
            var diagnostics = (await Fixing.AnalyzeAsync(document)).ToList();
            diagnostics.AddRange((await document.GetSemanticModelAsync())!.GetDiagnostics().Where(d => d.Id is "CS1061" or "CS0117"));
            foreach (var diagnostic in diagnostics)
            {
                var fixes = await Fixing.GetFixesAsync(document, diagnostic);
                Assert.InRange(fixes.Count, 1, 2);
                Assert.Equal("TorchTrainer." + diagnostic.Id, fixes[0].EquivalenceKey);
                Assert.StartsWith("Use '", fixes[0].Title, StringComparison.Ordinal);
                if (fixes.Count == 2)
                {
                    Assert.Equal("TorchTrainer." + diagnostic.Id + ".Idiomatic", fixes[1].EquivalenceKey);
                    Assert.EndsWith("(last validated epoch)", fixes[1].Title, StringComparison.Ordinal);
                    idiomatic++;
                }

                checkedDiagnostics++;
            }
        }

        Assert.True(checkedDiagnostics >= 30, $"only {checkedDiagnostics} diagnostics");
        Assert.Equal(version == LibraryVersion.V4 ? 2 : 0, idiomatic); // ValLossHistory[^1] and .Last() in LegacyProgram; TRN0001 only
    }
}
