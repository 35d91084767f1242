using System.Text.RegularExpressions;

namespace TorchTrainer.Tests.Package;

/// <summary>
/// The README's project-file settings for a package consumer (the packed TorchTrainer from a local feed): strict mode set
/// in the project file (not on the command line) fails the build with TRN0001/TRN0002 errors and, where analyzers do
/// not run, makes the legacy member throw at run time; and <c>&lt;NoWarn&gt;TRN0001;TRN0002&lt;/NoWarn&gt;</c>, the
/// rollback plan's way to silence the analyzer, gives a build without them while the program still runs.
/// </summary>
[Trait("Category", "Package")]
[Collection(PackageCollection.Name)]
public sealed partial class ProjectFileSettingsTests(PackedPackage package)
{
    private const string Program = """
        using System.Globalization;
        using TorchTrainer;

        var results = TrainingResults.FromMetrics(MetricsSummary.FromRows(
        [
            new Dictionary<string, double> { ["train/loss"] = 3.0 },
            new Dictionary<string, double> { ["train/loss"] = 2.5 },
        ]));
        try
        {
            Console.WriteLine("last=" + results.LossHistory[^1].ToString(CultureInfo.InvariantCulture));
            Console.WriteLine("epochs=" + ((IReadOnlyList<double>)results["loss_history"]).Count);
            return 0;
        }
        catch (LegacyApiException ex)
        {
            Console.WriteLine("LegacyApiException: " + ex.Message);
            return 3;
        }
        """;

    [Fact]
    public void Strict_mode_in_the_project_file_fails_the_build_and_throws_at_run_time_where_analyzers_do_not_run()
    {
        const string strict = "    <TorchTrainerStrictLegacyApi>true</TorchTrainerStrictLegacyApi>";
        var app = package.CreateConsumer("strict-in-project", Program, strict);

        var build = package.Run(app, ["build", "-c", "Release"], expectSuccess: false);
        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Equal(["error TRN0001", "error TRN0002"], TrnDiagnostics(build.StdOut));

        // Analyzers off (the contract's RunAnalyzers=false case): it builds, and the project file's property still
        // reaches the app as its AppContext switch.
        package.CreateConsumer("strict-in-project", Program, strict + "\n    <RunAnalyzers>false</RunAnalyzers>");
        package.Run(app, "build", "-c", "Release");
        var run = package.Run(app, ["exec", Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll")], expectSuccess: false);
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("LegacyApiException: ", run.StdOut);
        Assert.Contains("MetricsSummary.TrainLoss", run.StdOut);
        Assert.Contains("trainer-migrate", run.StdOut);
    }

    [Fact]
    public void NoWarn_TRN0001_TRN0002_in_the_project_file_silences_the_analyzer_and_the_program_still_runs()
    {
        var app = package.CreateConsumer("nowarn", Program, "    <NoWarn>$(NoWarn);TRN0001;TRN0002</NoWarn>");

        var build = package.Run(app, "build", "-c", "Release");
        Assert.Empty(TrnDiagnostics(build.StdOut));

        var run = package.Run(app, "exec", Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll"));
        Assert.Equal("last=2.5\nepochs=2\n", run.StdOut.ReplaceLineEndings("\n"));
        Assert.Contains("TrainingResults.LossHistory is deprecated", run.StdErr); // the run-time warning stays: the safety net
    }

    /// <summary>The distinct "severity TRNxxxx" pairs a build printed, sorted (MSBuild repeats them in its summary).</summary>
    private static string[] TrnDiagnostics(string output) =>
        TrnDiagnostic().Matches(output).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();

    [GeneratedRegex(@"\b(warning|error) TRN\d{4}")]
    private static partial Regex TrnDiagnostic();
}
