namespace TorchTrainer.Tests.Package;

/// <summary>
/// Builds a console app that references the packed TorchTrainer (not the project) and runs it with and
/// without <c>-p:TorchTrainerStrictLegacyApi=true</c>: proves that buildTransitive/TorchTrainer.props
/// reaches a consumer and turns the MSBuild property into the AppContext switch.
/// The package, feed and private package folder come from <see cref="PackedPackage"/>.
/// </summary>
[Trait("Category", "Package")]
[Collection(PackageCollection.Name)]
public sealed class PackageConsumerTests(PackedPackage package)
{
    [Fact]
    public void Package_consumer_gets_strict_mode_from_the_MSBuild_property_and_a_warning_without_it()
    {
        Assert.Contains("buildTransitive/TorchTrainer.props", package.Entries);

        // The run-time safety net is what is tested here: where analyzers do not run (the contract's
        // RunAnalyzers=false case), strict mode must still stop the legacy member at run time.
        // With analyzers on, the package's TRN0001 would (rightly) fail the strict build first.
        var app = package.CreateConsumer("runtime-consumer", Program, "    <RunAnalyzers>false</RunAnalyzers>");
        var output = Path.Combine(app, "bin", "Release", "net10.0");
        var runtimeConfig = Path.Combine(output, "Consumer.runtimeconfig.json");

        // Default: the legacy member works and warns once on standard error.
        package.Run(app, "build", "-c", "Release");
        Assert.DoesNotContain("TorchTrainer.StrictLegacyApi", File.ReadAllText(runtimeConfig));
        var normal = package.Run(app, ["exec", Path.Combine(output, "Consumer.dll")], expectSuccess: false);
        Assert.True(normal.ExitCode == 0, normal.ToString());
        Assert.Contains("LossHistory[^1]=2.5", normal.StdOut);
        Assert.Contains("TrainingResults.LossHistory is deprecated", normal.StdErr);
        Assert.Contains("MetricsSummary.TrainLoss", normal.StdErr);

        // Strict: the property becomes the AppContext switch, visible to analyzers too, and the member throws.
        package.Run(app, "build", "-c", "Release", "--no-restore", "-p:TorchTrainerStrictLegacyApi=true");
        Assert.Contains("\"TorchTrainer.StrictLegacyApi\": true", File.ReadAllText(runtimeConfig));
        var editorConfig = Directory.GetFiles(Path.Combine(app, "obj"), "Consumer.GeneratedMSBuildEditorConfig.editorconfig", SearchOption.AllDirectories);
        Assert.Contains("build_property.TorchTrainerStrictLegacyApi = true", File.ReadAllText(Assert.Single(editorConfig)));
        var strict = package.Run(app, ["exec", Path.Combine(output, "Consumer.dll")], expectSuccess: false);
        Assert.True(strict.ExitCode == 3, strict.ToString());
        Assert.Contains("LegacyApiException", strict.StdOut);
        Assert.Contains("MetricsSummary.TrainLoss", strict.StdOut);
        Assert.Contains("trainer-migrate", strict.StdOut);
        Assert.DoesNotContain("LossHistory[^1]=", strict.StdOut);
    }

    private const string Program = """
        using System.Globalization;
        using TorchTrainer;

        var metrics = MetricsSummary.FromRows(
        [
            new Dictionary<string, double> { ["train/loss"] = 3.0 },
            new Dictionary<string, double> { ["train/loss"] = 2.5 },
        ]);
        try
        {
            var history = TrainingResults.FromMetrics(metrics).LossHistory;
            Console.WriteLine("LossHistory[^1]=" + history[^1].ToString(CultureInfo.InvariantCulture));
            return 0;
        }
        catch (LegacyApiException ex)
        {
            Console.WriteLine("LegacyApiException: " + ex.Message);
            return 3;
        }
        """;
}
