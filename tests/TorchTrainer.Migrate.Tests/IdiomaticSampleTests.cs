using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TorchTrainer.Migrate.Cli;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// Issue 9's promise for <c>--idiomatic</c>, with the real analyzers and fixes on the real sample: a copy of
/// src/Samples/LegacyTraining (its project pointed at the repository's TorchTrainer) is migrated to the seed's v4
/// report block, builds, and prints the numbers the legacy report prints for a run validated every epoch. The sample's
/// runs differ (its model is initialised before the trainer seeds torch), so each run's printout is checked against the
/// legacy report's formulas (<c>v[^1]</c>, <c>Math.Exp(v[^1])</c>, <c>IndexOf(Min()) + 1</c>) applied to that run's results.json.
/// </summary>
public sealed class IdiomaticSampleTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>The sample's report block after <c>trainer-migrate --idiomatic</c>: the v4 report.</summary>
    private const string MigratedReport = """
        Console.WriteLine("📊 Final Metrics:");
        Console.WriteLine($"   Train Loss: {results.FinalLoss:F4}");
        Console.WriteLine($"   Val Loss: {results.FinalValLoss:F4}");
        Console.WriteLine($"   Perplexity: {results.Perplexity:F2}");
        var bestEpoch = results.BestEpoch;
        Console.WriteLine($"   Best Epoch: {bestEpoch}");
        """;

    [Fact]
    public async Task Idiomatic_migration_of_the_sample_gives_the_v4_report_and_prints_the_same_numbers()
    {
        using var dir = new TempDir();
        var sample = Path.Combine(Repository.Root, "src", "Samples", "LegacyTraining");
        foreach (var file in Directory.GetFiles(sample, "*.cs"))
        {
            File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        }

        // Out of the repository, the copy imports the repository's settings (implicit usings, the TorchSharp native fix,
        // the central package versions: the sample's TorchSharp-cpu backend has its version there)
        // and references its TorchTrainer project, which the test build has built (not rebuilt here).
        var torchTrainer = Path.Combine(Repository.Root, "src", "TorchTrainer", "TorchTrainer.csproj");
        var project = File.ReadAllText(Path.Combine(sample, "LegacyTraining.csproj"))
            .Replace("../../TorchTrainer/TorchTrainer.csproj", torchTrainer, StringComparison.Ordinal);
        Assert.Contains(torchTrainer, project);
        dir.Write("LegacyTraining.csproj", project);
        dir.Write("Directory.Build.props", $"""<Project><Import Project="{Path.Combine(Repository.Root, "Directory.Build.props")}" /></Project>""");
        dir.Write("Directory.Build.targets", $"""<Project><Import Project="{Path.Combine(Repository.Root, "Directory.Build.targets")}" /></Project>""");
        dir.Write("Directory.Packages.props", $"""<Project><Import Project="{Path.Combine(Repository.Root, "Directory.Packages.props")}" /></Project>""");

        var before = BuildAndRun(dir.Path, "before");
        AssertPrintsTheLegacyReport(before, Path.Combine(dir.Path, "run-before"));

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await MigrateCommand.RunAsync(["--idiomatic", "LegacyTraining.csproj"], output, error, analyzers: null, dir.Path, CancellationToken.None);
        Assert.True(exit == MigrateCommand.Ok, $"exit {exit}\n{output}\n{error}");

        var migrated = dir.Text("Program.cs").ReplaceLineEndings("\n");
        Assert.Contains(MigratedReport.ReplaceLineEndings("\n"), migrated);
        Assert.DoesNotContain("results.LossHistory", migrated);
        Assert.DoesNotContain("results.ValLossHistory", migrated);

        var after = BuildAndRun(dir.Path, "after");
        Assert.DoesNotContain("is deprecated", after.StdErr); // no legacy use left to warn about
        AssertPrintsTheLegacyReport(after, Path.Combine(dir.Path, "run-after"));
    }

    // The numbers the v3 report computes from the run's loss histories, as it formats them.
    private static void AssertPrintsTheLegacyReport(ProcessResult run, string output)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var train = json.RootElement.GetProperty("loss_history").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var val = json.RootElement.GetProperty("val_loss_history").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(2, val.Count); // two epochs, each validated (a NaN would be null, and GetDouble would throw)
        var invariant = CultureInfo.InvariantCulture;
        Assert.Equal(train[^1].ToString("F4", invariant), Value(run.StdOut, "Train Loss"));
        Assert.Equal(val[^1].ToString("F4", invariant), Value(run.StdOut, "Val Loss"));
        Assert.Equal(Math.Exp(val[^1]).ToString("F2", invariant), Value(run.StdOut, "Perplexity"));
        Assert.Equal((val.IndexOf(val.Min()) + 1).ToString(invariant), Value(run.StdOut, "Best Epoch"));
    }

    // Builds the copy (not its project references; no analyzers, which would only warn) and runs two small epochs, each validated.
    private static ProcessResult BuildAndRun(string folder, string name)
    {
        ChildProcess.Run(ChildProcess.Dotnet(), folder,
            ["build", "LegacyTraining.csproj", "-c", "Release", "-p:BuildProjectReferences=false", "-p:TorchTrainerAnalyzersFromRepository=false",
             "-p:CreateHardLinksForCopyLocalIfPossible=true"],
            new Dictionary<string, string>(), Limit, expectSuccess: true);
        var app = Path.Combine(folder, "bin", "Release", "net10.0", "LegacyTraining.dll");
        return ChildProcess.Run(ChildProcess.Dotnet(), folder, ["exec", app, Path.Combine(folder, "run-" + name), "2", "6000"],
            new Dictionary<string, string>(), Limit, expectSuccess: true);
    }

    private static string Value(string stdout, string label)
    {
        var match = Regex.Match(stdout, $@"{label}: (\S+)");
        Assert.True(match.Success, $"'{label}' not printed:\n{stdout}");
        return match.Groups[1].Value;
    }
}
