using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests.TRN0001;

/// <summary>
/// What the idiomatic tier promises, run against the real TorchTrainer runtime: a report validated every epoch prints
/// the same before and after; where the last epoch was not validated, or a validation loss is NaN, the v4 members
/// give the last validated epoch and skip NaN, where the legacy code printed NaN and the NaN epoch.
/// </summary>
public class IdiomaticBehaviourTests
{
    private const string Report = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using TorchTrainer;

        public static class Program
        {
            public static void Report(TextWriter o, TrainingResults results)
            {
                o.WriteLine($"Val Loss: {results.ValLossHistory[^1]:F4}");
                o.WriteLine($"Perplexity: {Math.Exp(results.ValLossHistory[^1]):F2}");
                var bestEpoch = results.ValLossHistory.ToList().IndexOf(results.ValLossHistory.Min()) + 1;
                o.WriteLine($"Best Epoch: {bestEpoch}");
                var last = results.ValLossHistory.Last();
                double perplexity = Math.Exp(results.ValLossHistory[results.ValLossHistory.Count - 1]);
                o.WriteLine((last * 2).ToString("F4") + " " + perplexity.ToString("F2"));
                o.WriteLine(results.ValLossHistory.Select((v, i) => (v, i)).MinBy(t => t.v).i + 1);
                var best = 0;
                for (var i = 1; i < results.ValLossHistory.Count; i++)
                {
                    if (results.ValLossHistory[i] < results.ValLossHistory[best]) best = i;
                }
                o.WriteLine(best + 1);
            }
        }
        """;

    [Fact]
    public async Task Same_output_when_every_epoch_is_validated_and_the_documented_difference_otherwise()
    {
        using var workspace = new AdhocWorkspace();
        var legacy = Fixing.CreateDocument(workspace, Report, LibraryVersion.V4);
        var idiomatic = await Fixing.FixAllIdiomaticAsync(legacy);
        var text = (await idiomatic.GetTextAsync()).ToString();
        Assert.DoesNotContain("ValLossHistory", text); // every use was part of a shape
        Assert.DoesNotContain("MetricsSummary.ValLoss", text);
        Assert.Contains("{results.Perplexity:F2}", text);
        Assert.Contains("var bestEpoch = results.BestEpoch;", text);

        var before = Load(await EmitAsync(legacy));
        var after = Load(await EmitAsync(idiomatic));

        // Every epoch validated: the same report.
        var validated = Results(3.5, 1.75, 2.0);
        var expected = """
            Val Loss: 2.0000
            Perplexity: 7.39
            Best Epoch: 2
            4.0000 7.39
            2
            2

            """.ReplaceLineEndings("\n");
        Assert.Equal(expected, before(validated));
        Assert.Equal(expected, after(validated));

        // Last epoch not validated (NaN in val/loss): the legacy code reads NaN and, Min() being NaN, the NaN epoch;
        // the v4 members read the last validated epoch and skip it. (The hand-written loop already skipped NaN.)
        var unvalidatedLast = Results(3.5, 1.75, double.NaN);
        Assert.Equal("Val Loss: NaN\nPerplexity: NaN\nBest Epoch: 3\nNaN NaN\n3\n2\n", before(unvalidatedLast));
        Assert.Equal("Val Loss: 1.7500\nPerplexity: 5.75\nBest Epoch: 2\n3.5000 5.75\n2\n2\n", after(unvalidatedLast));

        // A NaN validation loss mid-run: same last values, but the best epoch skips the NaN epoch.
        var nanMidRun = Results(3.5, double.NaN, 2.0);
        Assert.Equal("Val Loss: 2.0000\nPerplexity: 7.39\nBest Epoch: 2\n4.0000 7.39\n2\n3\n", before(nanMidRun));
        Assert.Equal("Val Loss: 2.0000\nPerplexity: 7.39\nBest Epoch: 3\n4.0000 7.39\n3\n3\n", after(nanMidRun));
    }

    // Results of a three-epoch run with these validation losses (NaN: the epoch was not validated).
    private static TrainingResults Results(params double[] valLoss)
    {
        var rows = valLoss.Select((v, i) => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>
        {
            ["epoch"] = i + 1,
            ["train/loss"] = 4.0 - i,
            ["val/loss"] = v,
        });
        return TrainingResults.FromMetrics(MetricsSummary.FromRows(rows));
    }

    private static async Task<byte[]> EmitAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics) + Environment.NewLine + await document.GetTextAsync());
        return stream.ToArray();
    }

    // The program's Report, run on the real runtime (the one this process loaded), printing with the invariant culture.
    private static Func<TrainingResults, string> Load(byte[] image)
    {
        var program = new AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(image)).GetType("Program")!;
        var report = program.GetMethod("Report")!;
        return results =>
        {
            var culture = CultureInfo.CurrentCulture;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            try
            {
                var writer = new StringWriter { NewLine = "\n" };
                report.Invoke(null, [writer, results]);
                return writer.ToString();
            }
            catch (TargetInvocationException ex)
            {
                return "threw " + ex.InnerException!.GetType().Name;
            }
            finally
            {
                CultureInfo.CurrentCulture = culture;
            }
        };
    }
}
