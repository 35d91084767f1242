using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>The analyzers register nothing without a TorchTrainer that has the modern API.</summary>
public class GatingTests
{
    private const string LegacyCode = """
        using System.Linq;
        using TorchTrainer;
        class C
        {
            double M(TrainingResults r) => r.LossHistory[^1] + r.ValLossHistory.Last() + ((System.Collections.Generic.IReadOnlyList<double>)r["loss_history"]).Count;
        }
        """;

    [Fact]
    public Task Nothing_on_a_v3_library() => RunAsync(LegacyCode, LibraryVersion.V3);

    [Fact]
    public Task Nothing_without_the_library() => RunAsync("""
        namespace TorchTrainer { public sealed class TrainingResults { public System.Collections.Generic.IReadOnlyList<double> LossHistory => null!; } }
        class C { double M(TorchTrainer.TrainingResults r) => r.LossHistory[0]; }
        """, null);

    [Fact]
    public Task Nothing_on_a_v5_library_besides_the_compiler_errors() => RunAsync("""
        using TorchTrainer;
        class C { double M(TrainingResults r) => r.{|CS1061:LossHistory|}[^1] + r.FinalLoss; }
        """, LibraryVersion.V5);

    private static Task RunAsync(string source, LibraryVersion? library)
    {
        var test = new AllAnalyzersTest(library) { TestCode = source };
        return test.RunAsync();
    }
}
