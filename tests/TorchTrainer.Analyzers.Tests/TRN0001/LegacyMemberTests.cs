using Microsoft.CodeAnalysis.Testing;
using TorchTrainer.Analyzers.Tests.Infrastructure;
using V = TorchTrainer.Analyzers.Tests.Infrastructure.Verify<TorchTrainer.Analyzers.LegacyMemberAnalyzer, TorchTrainer.Analyzers.CodeFixes.LegacyMemberFixer>;

namespace TorchTrainer.Analyzers.Tests.TRN0001;

/// <summary>TRN0001 on every form of use: diagnostic span and message, the fix, and Fix All.</summary>
public class LegacyMemberTests
{
    private const string Header = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using TorchTrainer;

        """;

    private static DiagnosticResult Loss(int index, string replacement) =>
        V.Diagnostic(Descriptors.LegacyMember, index, "LossHistory", replacement);

    private static DiagnosticResult ValLoss(int index) =>
        V.Diagnostic(Descriptors.LegacyMember, index, "ValLossHistory", "MetricsSummary.ValLoss");

    // One expression in a method body: (legacy, fixed, replacement named by the message).
    [Theory]
    [InlineData("r.{|#0:LossHistory|}[^1]", "r.FinalLoss", "FinalLoss")]
    [InlineData("r.{|#0:LossHistory|}.Last()", "r.FinalLoss", "FinalLoss")]
    [InlineData("r.{|#0:LossHistory|}[r.LossHistory.Count - 1]", "r.FinalLoss", "FinalLoss")]
    [InlineData("r.{|#0:LossHistory|}[ ^1 ]", "r.FinalLoss", "FinalLoss")]
    [InlineData("_field.{|#0:LossHistory|}[_field.LossHistory.Count - 1]", "_field.FinalLoss", "FinalLoss")]
    [InlineData("this._field.{|#0:LossHistory|}[this._field.LossHistory.Count - 1]", "this._field.FinalLoss", "FinalLoss")]
    [InlineData("GetResults().{|#0:LossHistory|}[^1]", "GetResults().FinalLoss", "FinalLoss")]
    [InlineData("r.{|#0:LossHistory|}[^2]", "r.MetricsSummary.TrainLoss[^2]", "MetricsSummary.TrainLoss")]
    [InlineData("r.{|#0:LossHistory|}[0]", "r.MetricsSummary.TrainLoss[0]", "MetricsSummary.TrainLoss")]
    [InlineData("r.{|#0:LossHistory|}.LastOrDefault()", "r.MetricsSummary.TrainLoss.LastOrDefault()", "MetricsSummary.TrainLoss")]
    [InlineData("r.{|#0:LossHistory|}.Last(x => x > 0)", "r.MetricsSummary.TrainLoss.Last(x => x > 0)", "MetricsSummary.TrainLoss")]
    [InlineData("r.{|#0:LossHistory|}.Min()", "r.MetricsSummary.TrainLoss.Min()", "MetricsSummary.TrainLoss")]
    [InlineData("r.{|#0:LossHistory|}.Count", "r.MetricsSummary.TrainLoss.Count", "MetricsSummary.TrainLoss")]
    [InlineData("Enumerable.Last(r.{|#0:LossHistory|})", "Enumerable.Last(r.MetricsSummary.TrainLoss)", "MetricsSummary.TrainLoss")]
    [InlineData("r?.{|#0:LossHistory|}[^1]", "r?.FinalLoss", "FinalLoss")]
    [InlineData("r?.{|#0:LossHistory|}.Last()", "r?.FinalLoss", "FinalLoss")]
    [InlineData("r?.{|#0:LossHistory|}.Count", "r?.MetricsSummary.TrainLoss.Count", "MetricsSummary.TrainLoss")]
    [InlineData("r?.{|#0:LossHistory|}", "r?.MetricsSummary.TrainLoss", "MetricsSummary.TrainLoss")]
    [InlineData("Holder?.Results?.{|#0:LossHistory|}", "Holder?.Results?.MetricsSummary.TrainLoss", "MetricsSummary.TrainLoss")]
    [InlineData("Holder.Results.{|#0:LossHistory|}[^1]", "Holder.Results.FinalLoss", "FinalLoss")]
    [InlineData("r.{|#0:LossHistory|}[^1] /* last */", "r.FinalLoss /* last */", "FinalLoss")]
    [InlineData("r.{|#0:LossHistory|} /* keep */ [^1]", "r.MetricsSummary.TrainLoss /* keep */ [^1]", "MetricsSummary.TrainLoss")]
    [InlineData("r\n            .{|#0:LossHistory|}\n            .Last()", "r\n            .FinalLoss", "FinalLoss")]
    [InlineData("$\"{r.{|#0:LossHistory|}[^1]:F4}\"", "$\"{r.FinalLoss:F4}\"", "FinalLoss")]
    [InlineData("$\"\"\"\n            {r.{|#0:LossHistory|}.Count} epochs\n            \"\"\"", "$\"\"\"\n            {r.MetricsSummary.TrainLoss.Count} epochs\n            \"\"\"", "MetricsSummary.TrainLoss")]
    [InlineData("new List<double>(r.{|#0:LossHistory|})", "new List<double>(r.MetricsSummary.TrainLoss)", "MetricsSummary.TrainLoss")]
    [InlineData("new Report { Losses = r.{|#0:LossHistory|} }", "new Report { Losses = r.MetricsSummary.TrainLoss }", "MetricsSummary.TrainLoss")]
    [InlineData("new { r.{|#0:LossHistory|} }.LossHistory", "new { LossHistory = r.MetricsSummary.TrainLoss }.LossHistory", "MetricsSummary.TrainLoss")]
    [InlineData("new { r?.{|#0:LossHistory|} }.LossHistory", "new { LossHistory = r?.MetricsSummary.TrainLoss }.LossHistory", "MetricsSummary.TrainLoss")]
    [InlineData("(r.{|#0:LossHistory|}, 1).LossHistory", "(LossHistory: r.MetricsSummary.TrainLoss, 1).LossHistory", "MetricsSummary.TrainLoss")]
    [InlineData("((Func<TrainingResults, double>)(x => x.{|#0:LossHistory|}[^1]))(r)", "((Func<TrainingResults, double>)(x => x.FinalLoss))(r)", "FinalLoss")]
    [InlineData("r is { {|#0:LossHistory|}.Count: > 3 }", "r is { MetricsSummary.TrainLoss.Count: > 3 }", "MetricsSummary.TrainLoss")]
    [InlineData("r is { {|#0:LossHistory|}: { Count: > 3 } }", "r is { MetricsSummary.TrainLoss: { Count: > 3 } }", "MetricsSummary.TrainLoss")]
    [InlineData("Holder is { Results.{|#0:LossHistory|}.Count: > 3 }", "Holder is { Results.MetricsSummary.TrainLoss.Count: > 3 }", "MetricsSummary.TrainLoss")]
    [InlineData("Holder is { Results: { {|#0:LossHistory|}: [.., > 1.0] } }", "Holder is { Results: { MetricsSummary.TrainLoss: [.., > 1.0] } }", "MetricsSummary.TrainLoss")]
    [InlineData("r.{|#0:LossHistory|} switch { { Count: 0 } => 0, var h => h[^1] }", "r.MetricsSummary.TrainLoss switch { { Count: 0 } => 0, var h => h[^1] }", "MetricsSummary.TrainLoss")]
    public Task Rewrites_each_use(string legacy, string modern, string replacement) =>
        V.FixAsync(Method(legacy), Method(modern), Loss(0, replacement));

    [Theory]
    [InlineData("r.{|#0:ValLossHistory|}[^1]", "r.MetricsSummary.ValLoss[^1]")]
    [InlineData("r.{|#0:ValLossHistory|}.Last()", "r.MetricsSummary.ValLoss.Last()")]
    [InlineData("r.{|#0:ValLossHistory|}[r.ValLossHistory.Count - 1]", "r.MetricsSummary.ValLoss[r.MetricsSummary.ValLoss.Count - 1]")]
    [InlineData("r?.{|#0:ValLossHistory|}", "r?.MetricsSummary.ValLoss")]
    [InlineData("r is { {|#0:ValLossHistory|}.Count: 0 }", "r is { MetricsSummary.ValLoss.Count: 0 }")]
    public Task ValLossHistory_becomes_MetricsSummary_ValLoss(string legacy, string modern)
    {
        var expected = new List<DiagnosticResult> { ValLoss(0) };
        if (legacy.Contains("Count - 1"))
        {
            // The index holds a second use, reported and fixed on its own.
            legacy = legacy.Replace("r.ValLossHistory.Count", "r.{|#1:ValLossHistory|}.Count");
            expected.Add(ValLoss(1));
        }

        return V.FixAsync(Method(legacy), Method(modern), expected.ToArray());
    }

    [Fact]
    public Task Receivers_with_side_effects_are_not_merged_into_FinalLoss() =>
        V.FixAsync(
            Method("GetResults().{|#0:LossHistory|}[GetResults().{|#1:LossHistory|}.Count - 1]"),
            Method("GetResults().MetricsSummary.TrainLoss[GetResults().MetricsSummary.TrainLoss.Count - 1]"),
            Loss(0, "MetricsSummary.TrainLoss"), Loss(1, "MetricsSummary.TrainLoss"));

    [Fact]
    public Task Different_receivers_are_not_merged_into_FinalLoss() =>
        V.FixAsync(
            Method("r.{|#0:LossHistory|}[_field.{|#1:LossHistory|}.Count - 1]"),
            Method("r.MetricsSummary.TrainLoss[_field.MetricsSummary.TrainLoss.Count - 1]"),
            Loss(0, "MetricsSummary.TrainLoss"), Loss(1, "MetricsSummary.TrainLoss"));

    [Fact]
    public Task Property_receivers_are_not_assumed_stable() =>
        V.FixAsync(
            Method("Holder.Results.{|#0:LossHistory|}[Holder.Results.{|#1:LossHistory|}.Count - 1]"),
            Method("Holder.Results.MetricsSummary.TrainLoss[Holder.Results.MetricsSummary.TrainLoss.Count - 1]"),
            Loss(0, "MetricsSummary.TrainLoss"), Loss(1, "MetricsSummary.TrainLoss"));

    [Fact]
    public Task A_user_Last_extension_is_not_Enumerable_Last() =>
        V.FixAsync(
            Header + """
            static class MyExtensions { public static double Last(this IReadOnlyList<double> values) => values[0]; }
            class C { double M(TrainingResults r) => r.{|#0:LossHistory|}.Last(); }
            """,
            Header + """
            static class MyExtensions { public static double Last(this IReadOnlyList<double> values) => values[0]; }
            class C { double M(TrainingResults r) => r.MetricsSummary.TrainLoss.Last(); }
            """,
            Loss(0, "MetricsSummary.TrainLoss"));

    [Fact]
    public Task Members_local_functions_and_statements() =>
        V.FixAsync(
            Header + """
            class C
            {
                private readonly TrainingResults _r = null!;
                public IReadOnlyList<double> Losses => _r.{|#0:LossHistory|};
                public double Last { get => _r.{|#1:LossHistory|}[^1]; }

                public void Print(TrainingResults r)
                {
                    foreach (var loss in r.{|#2:LossHistory|}) // each epoch
                    {
                        Console.WriteLine(loss);
                    }

                    var history = r.{|#3:ValLossHistory|};
                    double Final() => r.{|#4:LossHistory|}.Last();
                    Console.WriteLine($"{Final()} {history.Count}");
                }
            }
            """,
            Header + """
            class C
            {
                private readonly TrainingResults _r = null!;
                public IReadOnlyList<double> Losses => _r.MetricsSummary.TrainLoss;
                public double Last { get => _r.FinalLoss; }

                public void Print(TrainingResults r)
                {
                    foreach (var loss in r.MetricsSummary.TrainLoss) // each epoch
                    {
                        Console.WriteLine(loss);
                    }

                    var history = r.MetricsSummary.ValLoss;
                    double Final() => r.FinalLoss;
                    Console.WriteLine($"{Final()} {history.Count}");
                }
            }
            """,
            Loss(0, "MetricsSummary.TrainLoss"), Loss(1, "FinalLoss"), Loss(2, "MetricsSummary.TrainLoss"), ValLoss(3), Loss(4, "FinalLoss"));

    [Fact]
    public async Task Top_level_statements_of_a_file_based_app()
    {
        var test = new Test<LegacyMemberAnalyzer, CodeFixes.LegacyMemberFixer>
        {
            TopLevelProgram = true,
            TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
            TestCode = """
                using System.Linq;
                using TorchTrainer;

                var results = TrainingResults.FromMetrics(MetricsSummary.FromRows([]));
                System.Console.WriteLine($"final {results.{|#0:LossHistory|}.Last():F3}, epochs {results.{|#1:LossHistory|}.Count}");
                """,
            FixedCode = """
                using System.Linq;
                using TorchTrainer;

                var results = TrainingResults.FromMetrics(MetricsSummary.FromRows([]));
                System.Console.WriteLine($"final {results.FinalLoss:F3}, epochs {results.MetricsSummary.TrainLoss.Count}");
                """,
        };
        test.ExpectedDiagnostics.Add(Loss(0, "FinalLoss"));
        test.ExpectedDiagnostics.Add(Loss(1, "MetricsSummary.TrainLoss"));
        await test.RunAsync();
    }

    [Fact]
    public async Task Property_patterns_before_CSharp_10_stay_unextended()
    {
        var test = new Test<LegacyMemberAnalyzer, CodeFixes.LegacyMemberFixer>
        {
            LanguageVersion = Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp9,
            TestCode = Header + "class C { bool M(TrainingResults r) => r is { {|#0:LossHistory|}: { Count: > 3 } }; }",
            FixedCode = Header + "class C { bool M(TrainingResults r) => r is { MetricsSummary: { TrainLoss: { Count: > 3 } } }; }",
        };
        test.ExpectedDiagnostics.Add(Loss(0, "MetricsSummary.TrainLoss"));
        await test.RunAsync();
    }

    [Fact]
    public Task Not_flagged_nameof_dynamic_and_other_types() =>
        V.DiagnosticsAsync(Header + """
            class Other { public IReadOnlyList<double> LossHistory { get; } = new List<double>(); }
            class C
            {
                string Name(TrainingResults r) => nameof(r.LossHistory) + nameof(TrainingResults.ValLossHistory);
                object Dynamic(dynamic r) => r.LossHistory[0];
                object Dynamic2(TrainingResults r) => ((dynamic)r).ValLossHistory;
                double Other(Other o) => o.LossHistory[^1];
                double Modern(TrainingResults r) => r.FinalLoss + r.MetricsSummary.TrainLoss[^1];
            }
            """);

    [Fact]
    public Task Generated_code_is_not_reported()
    {
        var test = new Test<LegacyMemberAnalyzer, CodeFixes.LegacyMemberFixer>();
        test.TestState.Sources.Add(("Generated.g.cs", Header + "class G { double M(TrainingResults r) => r.LossHistory[^1]; }"));
        test.TestState.Sources.Add(("Marked.cs", "// <auto-generated/>\n" + Header + "class H { double M(TrainingResults r) => r.LossHistory[^1]; }"));
        return test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_in_project_and_solution_scope()
    {
        var test = new Test<LegacyMemberAnalyzer, CodeFixes.LegacyMemberFixer>();
        test.TestState.Sources.Add(("A.cs", Header + "class A { double M(TrainingResults r) => r.{|#0:LossHistory|}[^1] + r.{|#1:ValLossHistory|}.Count; }"));
        test.TestState.Sources.Add(("B.cs", Header + "class B { object M(TrainingResults r) => r?.{|#2:LossHistory|}; }"));
        var other = test.TestState.AdditionalProjects["Other"];
        other.AdditionalReferences.AddRange(TorchTrainerLibrary.Framework);
        other.AdditionalReferences.AddRange(TorchTrainerLibrary.LibraryReferences(LibraryVersion.V4));
        other.Sources.Add(("/Other/O.cs", Header + "class O { double M(TrainingResults r) => r.{|#3:LossHistory|}.Last(); }"));

        test.FixedState.Sources.Add(("A.cs", Header + "class A { double M(TrainingResults r) => r.FinalLoss + r.MetricsSummary.ValLoss.Count; }"));
        test.FixedState.Sources.Add(("B.cs", Header + "class B { object M(TrainingResults r) => r?.MetricsSummary.TrainLoss; }"));
        var fixedOther = test.FixedState.AdditionalProjects["Other"];
        fixedOther.AdditionalReferences.AddRange(TorchTrainerLibrary.Framework);
        fixedOther.AdditionalReferences.AddRange(TorchTrainerLibrary.LibraryReferences(LibraryVersion.V4));
        fixedOther.Sources.Add(("/Other/O.cs", Header + "class O { double M(TrainingResults r) => r.FinalLoss; }"));

        test.ExpectedDiagnostics.Add(Loss(0, "FinalLoss"));
        test.ExpectedDiagnostics.Add(ValLoss(1));
        test.ExpectedDiagnostics.Add(Loss(2, "MetricsSummary.TrainLoss"));
        test.ExpectedDiagnostics.Add(Loss(3, "FinalLoss"));
        await test.RunAsync();
    }

    private static string Method(string expression) => Header + $$"""
        class Report { public IReadOnlyList<double>? Losses { get; set; } }
        class Holder { public TrainingResults Results { get; } = null!; }
        class C
        {
            private TrainingResults _field = null!;
            private Holder Holder { get; } = new Holder();
            private TrainingResults GetResults() => _field;

            object M(TrainingResults r)
            {
                return {{expression}};
            }
        }
        """;
}
