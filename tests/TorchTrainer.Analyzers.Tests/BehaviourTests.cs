using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>
/// A fixed program behaves the same: the legacy program and its fixed version are compiled and then run against the
/// real TorchTrainer runtime (its <c>FinalLoss</c>, <c>MetricsSummary</c> and shim, not a stand-in's definition of them)
/// on the same results; every case where the legacy code did not throw must print the same. TRN0003 is not part of this: its fix changes behaviour on purpose (a typo that threw or
/// made TryGetColumn return false now finds the column).
/// </summary>
public class BehaviourTests
{
    internal const string LegacyProgram = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using TorchTrainer;

        public static class Program
        {
            // 0: three validated epochs; 1: no validation data; 2: last epoch not validated; 3: no epoch at all.
            public static TrainingResults Make(int which)
            {
                var rows = new List<IReadOnlyDictionary<string, double>>();
                var epochs = which == 3 ? 0 : 3;
                for (var e = 1; e <= epochs; e++)
                {
                    // Losses 3.0, 1.5, 2.0 and 3.5, 1.75, 2.5: the last is neither the first nor the lowest.
                    var row = new Dictionary<string, double> { ["epoch"] = e, ["train/loss"] = e == 3 ? 2.0 : 3.0 / e };
                    if (which == 0 || (which == 2 && e < 3)) row["val/loss"] = e == 3 ? 2.5 : 3.5 / e;
                    rows.Add(row);
                }
                return TrainingResults.FromMetrics(MetricsSummary.FromRows(rows));
            }

            public static void CaseLast(TextWriter o, TrainingResults r)
            {
                o.WriteLine(r.LossHistory[^1]);
                o.WriteLine(r.LossHistory.Last().ToString("F4"));
                o.WriteLine(r.LossHistory[r.LossHistory.Count - 1] /* same */);
                Func<TrainingResults, double> f = x => x.LossHistory.Last();
                o.WriteLine(f(r));
            }

            public static void CaseValLast(TextWriter o, TrainingResults r)
            {
                var last = r.ValLossHistory[^1];
                o.WriteLine(last.ToString("F4"));
                o.WriteLine(r.ValLossHistory.Last());
            }

            public static void CaseLists(TextWriter o, TrainingResults r)
            {
                o.WriteLine(string.Join(",", r.LossHistory) + "|" + string.Join(",", r.ValLossHistory));
                o.WriteLine($"{r.LossHistory.Count} {r.ValLossHistory.Count} {r.LossHistory.LastOrDefault()} {r.ValLossHistory.LastOrDefault()}");
                o.WriteLine(r is { LossHistory.Count: > 2 } ? "long" : "short");
                o.WriteLine(r is { ValLossHistory: { Count: 0 } } ? "no validation" : "validated");
                var anonymous = new { r.LossHistory, Count = r.ValLossHistory.Count };
                o.WriteLine(anonymous.LossHistory.Count + anonymous.Count);
                var tuple = (r.LossHistory, 1);
                o.WriteLine(tuple.LossHistory.Sum());
                foreach (var loss in r.LossHistory) o.Write(loss.ToString("F2") + ";");
                o.WriteLine();
            }

            public static void CaseNullConditional(TextWriter o, TrainingResults r)
            {
                TrainingResults? none = null;
                o.WriteLine(none?.LossHistory[^1] is null);
                o.WriteLine(none?.ValLossHistory.Count ?? -1);
                TrainingResults? some = r;
                o.WriteLine(some?.LossHistory[^1]);
                o.WriteLine(some?.LossHistory.Count);
            }

            public static void CaseSideEffects(TextWriter o, TrainingResults r)
            {
                var calls = 0;
                TrainingResults Get() { calls++; return r; }
                o.WriteLine(Get().LossHistory[^1]);
                o.WriteLine(Get().LossHistory.Last());
                o.WriteLine(Get().LossHistory[Get().LossHistory.Count - 1]);
                o.WriteLine(calls);
            }

            public static void CaseKeys(TextWriter o, TrainingResults r)
            {
                object history = r["loss_history"];
                o.WriteLine(history is IReadOnlyList<double> l ? l.Count : -1);
                var raw = r["val_loss_history"];
                o.WriteLine(raw.GetType().Name);
                raw = r["final_loss"];
                o.WriteLine(raw);
                o.WriteLine(r["loss_history"] != null);
                Show(o, r["loss_history"]);
                Show(o, (IEnumerable<double>)r["val_loss_history"]);
                o.WriteLine(((IReadOnlyList<double>)r["loss_history"]).Count);
                o.WriteLine($"{r["loss_history"] is IReadOnlyList<double>}");
                o.WriteLine(Describe(r["val_loss_history"]));
            }

            private static string Describe<T>(T value) => typeof(T).Name;
            private static void Show(TextWriter o, object value) => o.WriteLine("object");
            private static void Show(TextWriter o, IEnumerable<double> values) => o.WriteLine("list " + values.Count());
        }
        """;

    [Fact]
    public async Task Fixed_program_prints_the_same_as_the_legacy_program()
    {
        using var workspace = new AdhocWorkspace();
        var legacy = Fixing.CreateDocument(workspace, LegacyProgram, LibraryVersion.V4);
        Assert.NotEmpty(await Fixing.AnalyzeAsync(legacy));
        var fixedDocument = await Fixing.FixAllAsync(legacy);
        Assert.Empty(await Fixing.AnalyzeAsync(fixedDocument));
        var fixedText = (await fixedDocument.GetTextAsync()).ToString();
        Assert.DoesNotContain("LossHistory[", fixedText);
        Assert.DoesNotContain("\"loss_history\"", fixedText);

        var before = Run(await EmitAsync(legacy));
        var after = Run(await EmitAsync(fixedDocument));
        var compared = 0;
        foreach (var (key, output) in before)
        {
            if (output is null)
            {
                continue; // the legacy code threw on this data: no promise
            }

            Assert.Equal(output, after[key]);
            compared++;
        }

        Assert.Equal(19, compared); // 24 runs, 5 of which throw in the legacy code (no epoch, no validation)
    }

    [Fact]
    public async Task Code_fixed_on_v5_runs_like_the_legacy_code_on_v4()
    {
        // The same legacy program compiled against v5 has CS1061 errors; fixing those gives the v4 fix's result.
        using var workspace = new AdhocWorkspace();
        var onV4 = await Fixing.FixAllAsync(Fixing.CreateDocument(workspace, LegacyProgram, LibraryVersion.V4));
        var onV5 = await Fixing.FixAllAsync(Fixing.CreateDocument(workspace, (await onV4.GetTextAsync()).ToString(), LibraryVersion.V5), includeCompilerErrors: true);
        Assert.Empty((await onV5.GetSemanticModelAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var memberOnly = LegacyProgram[..LegacyProgram.IndexOf("    public static void CaseKeys", StringComparison.Ordinal)] + "}\n";
        var v5 = await Fixing.FixAllAsync(Fixing.CreateDocument(workspace, memberOnly, LibraryVersion.V5), includeCompilerErrors: true);
        var v4 = await Fixing.FixAllAsync(Fixing.CreateDocument(workspace, memberOnly, LibraryVersion.V4));
        Assert.Equal((await v4.GetTextAsync()).ToString(), (await v5.GetTextAsync()).ToString());
    }

    private static async Task<byte[]> EmitAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics) + Environment.NewLine + await document.GetTextAsync());
        return stream.ToArray();
    }

    // Output of every Case method on every data set; null where it threw. The program's reference to TorchTrainer
    // resolves (through the default load context) to the runtime this test project references.
    private static Dictionary<string, string?> Run(byte[] image)
    {
        var context = new AssemblyLoadContext("behaviour", isCollectible: true);
        try
        {
            var program = context.LoadFromStream(new MemoryStream(image)).GetType("Program")!;
            var make = program.GetMethod("Make")!;
            Assert.Same(typeof(TrainingResults).Assembly, make.ReturnType.Assembly);
            var outputs = new Dictionary<string, string?>();
            foreach (var method in program.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name.StartsWith("Case", StringComparison.Ordinal)))
            {
                for (var data = 0; data < 4; data++)
                {
                    var writer = new StringWriter();
                    try
                    {
                        method.Invoke(null, new[] { writer, make.Invoke(null, new object[] { data }) });
                        outputs[$"{method.Name}/{data}"] = writer.ToString();
                    }
                    catch (TargetInvocationException)
                    {
                        outputs[$"{method.Name}/{data}"] = null;
                    }
                }
            }

            return outputs;
        }
        finally
        {
            context.Unload();
        }
    }
}
