using Microsoft.CodeAnalysis.Testing;
using TorchTrainer.Analyzers.Tests.Infrastructure;
using V = TorchTrainer.Analyzers.Tests.Infrastructure.Verify<TorchTrainer.Analyzers.LegacyKeyAnalyzer, TorchTrainer.Analyzers.CodeFixes.LegacyKeyFixer>;

namespace TorchTrainer.Analyzers.Tests.TRN0002;

/// <summary>TRN0002: legacy keys through the string-keyed view; the fix keeps the static type object where it matters.</summary>
public class LegacyKeyTests
{
    private const string Header = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using TorchTrainer;

        """;

    private static DiagnosticResult Key(int index, string key = "loss_history") =>
        V.Diagnostic(Descriptors.LegacyKey, index, key, key == "loss_history" ? "MetricsSummary.TrainLoss" : "MetricsSummary.ValLoss");

    // A statement in a method body with r (TrainingResults) in scope.
    [Theory]
    [InlineData("object o = r[{|#0:\"loss_history\"|}];", "object o = r.MetricsSummary.TrainLoss;")]
    [InlineData("object o = r?[{|#0:\"loss_history\"|}];", "object o = r?.MetricsSummary.TrainLoss;")]
    [InlineData("dynamic d = r[{|#0:\"loss_history\"|}];", "dynamic d = r.MetricsSummary.TrainLoss;")]
    [InlineData("var o = r[{|#0:\"loss_history\"|}];", "var o = (object)r.MetricsSummary.TrainLoss;")]
    [InlineData("var o = r?[{|#0:\"loss_history\"|}];", "var o = (object)r?.MetricsSummary.TrainLoss;")]
    [InlineData("Console.WriteLine(r[{|#0:\"loss_history\"|}]);", "Console.WriteLine(r.MetricsSummary.TrainLoss);")]
    [InlineData("Show(r[{|#0:\"loss_history\"|}]);", "Show((object)r.MetricsSummary.TrainLoss);")]
    [InlineData("Console.WriteLine($\"{r[{|#0:\"loss_history\"|}]}\");", "Console.WriteLine($\"{r.MetricsSummary.TrainLoss}\");")]
    [InlineData("var l = (IReadOnlyList<double>)r[{|#0:\"loss_history\"|}];", "var l = (IReadOnlyList<double>)r.MetricsSummary.TrainLoss;")]
    [InlineData("var l = r[{|#0:\"loss_history\"|}] as IEnumerable<double>;", "var l = r.MetricsSummary.TrainLoss as IEnumerable<double>;")]
    [InlineData("var s = (string)r[{|#0:\"loss_history\"|}];", "var s = (string)(object)r.MetricsSummary.TrainLoss;")]
    [InlineData("var s = r[{|#0:\"loss_history\"|}].ToString();", "var s = ((object)r.MetricsSummary.TrainLoss).ToString();")]
    [InlineData("var same = r[{|#0:\"loss_history\"|}] == r;", "var same = ((object)r.MetricsSummary.TrainLoss) == r;")]
    [InlineData("object o = r[{|#0:\"val_loss_history\"|}]; // validation", "object o = r.MetricsSummary.ValLoss; // validation")]
    [InlineData("object o = r[{|#0:\"\"\"loss_history\"\"\"|}];", "object o = r.MetricsSummary.TrainLoss;")]
    [InlineData("object o = r[{|#0:@\"loss_history\"|}];", "object o = r.MetricsSummary.TrainLoss;")]
    [InlineData("object o = r[{|#0:LossKey|}];", "object o = r.MetricsSummary.TrainLoss;")]
    [InlineData("const string key = \"loss_history\"; object o = r[{|#0:key|}];", "const string key = \"loss_history\"; object o = r.MetricsSummary.TrainLoss;")]
    [InlineData("object o = r[{|#0:\"loss\" + \"_history\"|}];", "object o = r.MetricsSummary.TrainLoss;")]
    [InlineData("object o = r[key: {|#0:\"loss_history\"|}];", "object o = r.MetricsSummary.TrainLoss;")]
    [InlineData("object o = GetResults()[{|#0:\"loss_history\"|}];", "object o = GetResults().MetricsSummary.TrainLoss;")]
    [InlineData("Func<object> f = () => r[{|#0:\"loss_history\"|}];", "Func<object> f = () => (object)r.MetricsSummary.TrainLoss;")]
    public Task Rewrites_each_use(string legacy, string modern)
    {
        var key = legacy.Contains("val_loss_history") ? "val_loss_history" : "loss_history";
        return V.FixAsync(Method(legacy), Method(modern), Key(0, key));
    }

    [Fact]
    public Task Returned_as_object_needs_no_cast() =>
        V.FixAsync(
            Header + "class C { object M(TrainingResults r) => r[{|#0:\"loss_history\"|}]; }",
            Header + "class C { object M(TrainingResults r) => r.MetricsSummary.TrainLoss; }",
            Key(0));

    [Fact]
    public Task Not_flagged_other_keys_variables_and_dynamic() =>
        V.DiagnosticsAsync(Header + """
            class C
            {
                object M(TrainingResults r, string key, dynamic d, Dictionary<string, object> dict)
                {
                    object a = r["final_loss"];
                    object b = r[key];
                    object c = d["loss_history"];
                    object e = dict["loss_history"];
                    object f = r.MetricsSummary;
                    return a ?? b ?? c ?? e ?? f;
                }
            }
            """);

    [Fact]
    public Task Not_flagged_on_v3() =>
        V.DiagnosticsAsync(LibraryVersion.V3, Header + """
            class C { object M(TrainingResults r) => r["loss_history"]; }
            """);

    private static string Method(string statement) => Header + $$"""
        class C
        {
            private const string LossKey = "loss_history";
            private TrainingResults _field = null!;
            private TrainingResults GetResults() => _field;
            private static void Show(object value) { }
            private static void Show(IEnumerable<double> values) { }

            void M(TrainingResults r)
            {
                {{statement}}
            }
        }
        """;
}
