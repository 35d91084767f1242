using System.IO.Compression;
using System.Xml.Linq;
using TorchTrainer.Tests.Native;

namespace TorchTrainer.Tests.Package;

/// <summary>
/// The package depends on TorchSharp (managed only); the application picks exactly one backend. Without one, the
/// build warns (TTN0003) with the command to add it and the run fails; with TorchSharp-cpu,
/// a consumer of the package trains on this machine (its output copy of libLibTorchSharp.so fixed by the
/// package's buildTransitive native fix where this system's libstdc++ is too old).
/// </summary>
[Trait("Category", "Package")]
[Collection(PackageCollection.Name)]
public sealed class BackendChoiceTests(PackedPackage package)
{
    [Fact]
    public void The_nuspec_depends_on_TorchSharp_not_on_a_backend()
    {
        using var zip = ZipFile.OpenRead(package.PackagePath);
        using var nuspec = zip.GetEntry("TorchTrainer.nuspec")!.Open();
        var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();

        Assert.Contains("TorchSharp", dependencies);
        Assert.DoesNotContain(dependencies, id => id.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase) || id.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_consumer_without_a_backend_gets_the_build_warning_and_cannot_run()
    {
        var app = package.CreateConsumer("no-backend-consumer", TrainOneStep);

        var build = package.Run(app, "build", "-c", "Release");
        Assert.Contains("warning TTN0003", build.StdOut);
        Assert.Contains("Consumer references no TorchSharp backend", build.StdOut);
        Assert.Contains("'dotnet add package TorchSharp-cpu --version 0.107.0'", build.StdOut);
        Assert.Contains("TorchSharp-cuda-linux or TorchSharp-cuda-windows", build.StdOut);

        // The program's own first tensor is its first TorchSharp call, so TorchSharp reports the missing backend here
        // (TorchNativeLoadException says the same where TorchTrainer makes the first call: NoBackendDiagnosisTests).
        var run = package.Run(app, ["exec", Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll")], expectSuccess: false);
        Assert.NotEqual(0, run.ExitCode);
        Assert.True(run.StdErr.Contains("libtorch-cpu-linux-x64 package version 2.10.0.0 is not restored"), run.ToString());
    }

    [Fact]
    public void A_consumer_with_TorchSharp_cpu_builds_without_the_warning_and_trains()
    {
        var app = package.CreateConsumer("cpu-consumer", TrainOneStep, items: """    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />""");

        var build = package.Run(app, "build", "-c", "Release");
        Assert.DoesNotContain("TTN0003", build.StdOut);

        // The package's native fix ran on the backend's layout: the output copy of libLibTorchSharp.so (from the
        // TorchSharp package) is marked weak exactly where this machine's libstdc++ is too old.
        var output = Path.Combine(app, "bin", "Release", "net10.0");
        if (OperatingSystem.IsLinux())
        {
            var copy = Path.Combine(output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            var requirement = Assert.Single(ElfVersionInfo.Read(copy).Requirements, r => r.Version == NativeTestFiles.WeakenedVersion);
            Assert.Equal(NativeTestFiles.SystemNeedsPatch, requirement.IsWeak);
        }

        var run = package.Run(app, ["exec", Path.Combine(output, "Consumer.dll")], expectSuccess: false);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"trained 1 epoch, train/loss \d+\.\d+", run.StdOut);
    }

    // One epoch of one step: a linear regression on four points.
    private const string TrainOneStep = """
        using System.Globalization;
        using TorchSharp;
        using TorchTrainer;
        using static TorchSharp.torch;

        var inputs = tensor(new float[] { 0, 1, 2, 3 }).reshape(4, 1);
        var targets = tensor(new float[] { 1, 3, 5, 7 }).reshape(4, 1);
        var trainer = new Trainer(nn.Linear(1, 1), new TrainerOptions { Epochs = 1, BatchSize = 4, Loss = Losses.MeanSquaredError });
        var results = trainer.Train(TrainingData.FromTensors(inputs, targets, batchSize: 4));
        Console.WriteLine($"trained {results.MetricsSummary.Count} epoch, train/loss {results.FinalLoss.ToString("F4", CultureInfo.InvariantCulture)}");
        """;
}
