using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text;

namespace TorchTrainer.Tests.Package;

/// <summary>
/// Packs TorchTrainer, builds a console app that references the package (not the project) and runs it
/// with and without <c>-p:TorchTrainerStrictLegacyApi=true</c>: proves that buildTransitive/TorchTrainer.props
/// reaches a consumer and turns the MSBuild property into the AppContext switch.
/// Packs the assembly this test run built (<c>--no-build</c>, checked byte for byte) under a unique
/// prerelease version and restores it into a private NUGET_PACKAGES folder (the shared cache serves
/// only as a read-only fallback for TorchSharp's 1 GB), so no cache can serve a stale package, nothing
/// is left in the shared cache, and another process cleaning the shared cache cannot break this test.
/// The app only calls <c>FromMetrics</c>, never TorchSharp.
/// </summary>
[Trait("Category", "Package")]
public sealed class PackageConsumerTests : IDisposable
{
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(5); // a hang guard, not a timing assertion

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("torchtrainer-package-");
    private readonly string _version = $"4.0.0-test.g{Guid.NewGuid():N}";

    public void Dispose() => TryDelete(_work.FullName);

    private string PrivatePackages => Path.Combine(_work.FullName, "packages");

    [Fact]
    public void Package_consumer_gets_strict_mode_from_the_MSBuild_property_and_a_warning_without_it()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_work.FullName, "feed")).FullName;
        var package = Pack(feed);
        using (var zip = ZipFile.OpenRead(package))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "buildTransitive/TorchTrainer.props");
        }

        var app = CreateConsumer(feed);
        var output = Path.Combine(app, "bin", "Release", "net10.0");
        var runtimeConfig = Path.Combine(output, "Consumer.runtimeconfig.json");

        // Default: the legacy member works and warns once on standard error.
        Run(app, "build", "-c", "Release");
        Assert.DoesNotContain("TorchTrainer.StrictLegacyApi", File.ReadAllText(runtimeConfig));
        var normal = Run(app, "exec", Path.Combine(output, "Consumer.dll"), expectSuccess: false);
        Assert.True(normal.ExitCode == 0, normal.ToString());
        Assert.Contains("LossHistory[^1]=2.5", normal.StdOut);
        Assert.Contains("TrainingResults.LossHistory is deprecated", normal.StdErr);
        Assert.Contains("MetricsSummary.TrainLoss", normal.StdErr);

        // Strict: the property becomes the AppContext switch, visible to analyzers too, and the member throws.
        Run(app, "build", "-c", "Release", "--no-restore", "-p:TorchTrainerStrictLegacyApi=true");
        Assert.Contains("\"TorchTrainer.StrictLegacyApi\": true", File.ReadAllText(runtimeConfig));
        var editorConfig = Directory.GetFiles(Path.Combine(app, "obj"), "Consumer.GeneratedMSBuildEditorConfig.editorconfig", SearchOption.AllDirectories);
        Assert.Contains("build_property.TorchTrainerStrictLegacyApi = true", File.ReadAllText(Assert.Single(editorConfig)));
        var strict = Run(app, "exec", Path.Combine(output, "Consumer.dll"), expectSuccess: false);
        Assert.True(strict.ExitCode == 3, strict.ToString());
        Assert.Contains("LegacyApiException", strict.StdOut);
        Assert.Contains("MetricsSummary.TrainLoss", strict.StdOut);
        Assert.Contains("trainer-migrate", strict.StdOut);
        Assert.DoesNotContain("LossHistory[^1]=", strict.StdOut);
    }

    private string Pack(string feed)
    {
        var testAssembly = typeof(PackageConsumerTests).Assembly;
        var configuration = testAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var framework = new FrameworkName(typeof(TrainingResults).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
        var project = Path.Combine(RepoRoot(), "src", "TorchTrainer");
        var built = Path.Combine(project, "bin", configuration, $"net{framework.Version.Major}.{framework.Version.Minor}", "TorchTrainer.dll");
        Assert.True(
            File.Exists(built) && File.ReadAllBytes(built).AsSpan().SequenceEqual(File.ReadAllBytes(typeof(TrainingResults).Assembly.Location)),
            $"{built} is not the TorchTrainer.dll these tests run against; build the solution before running this test.");

        // --no-build: packs exactly what this test run built; --no-restore and a private nuspec folder leave the repository's obj/ alone.
        Run(project, "pack", "-c", configuration, "--no-build", "--no-restore", $"-p:Version={_version}",
            $"-p:NuspecOutputPath={Path.Combine(_work.FullName, "nuspec")}{Path.DirectorySeparatorChar}", "-o", feed);
        return Assert.Single(Directory.GetFiles(feed, $"TorchTrainer.{_version}.nupkg"));
    }

    private string CreateConsumer(string feed)
    {
        var app = Directory.CreateDirectory(Path.Combine(_work.FullName, "consumer")).FullName;

        // Stop MSBuild and NuGet from picking up anything above the temp folder (e.g. this repository's files).
        File.WriteAllText(Path.Combine(_work.FullName, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_work.FullName, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(_work.FullName, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="test-feed" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="shared-cache" value="{SharedPackagesFolder()}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <!-- TorchSharp's native libraries are about 1 GB: link them from the NuGet cache instead of copying. -->
                <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
                <UseAppHost>false</UseAppHost>
                <!-- The run-time safety net is what is tested here: where analyzers do not run (the contract's
                     RunAnalyzers=false case), strict mode must still stop the legacy member at run time.
                     With analyzers on, the package's TRN0001 would (rightly) fail the strict build first. -->
                <RunAnalyzers>false</RunAnalyzers>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TorchTrainer" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
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
            """);
        return app;
    }

    private ProcessResult Run(string workingDirectory, params string[] args) => Run(workingDirectory, args, expectSuccess: true);

    private ProcessResult Run(string workingDirectory, string verb, string path, bool expectSuccess) =>
        Run(workingDirectory, [verb, path], expectSuccess);

    private ProcessResult Run(string workingDirectory, string[] args, bool expectSuccess)
    {
        var start = new ProcessStartInfo(Dotnet())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (args[0] is "build" or "pack")
        {
            start.ArgumentList.Add("--disable-build-servers"); // leave no compiler or MSBuild server running
            start.ArgumentList.Add("-nologo");
        }

        // A clean environment for the child: no strict mode leaking in, no MSBuild state of the test run.
        foreach (var name in new[] { "TORCHTRAINER_STRICT_LEGACY_API", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["NUGET_PACKAGES"] = PrivatePackages;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ProcessLimit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} did not finish within {ProcessLimit}.");
        }

        var result = new ProcessResult(string.Join(' ', args), process.ExitCode, stdout.Result, stderr.Result);
        if (expectSuccess && result.ExitCode != 0)
        {
            Assert.Fail($"This step failed:{Environment.NewLine}{result}");
        }

        return result;
    }

    private static string Dotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Trainer.Analyzers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Trainer.Analyzers.sln above {AppContext.BaseDirectory}.");
    }

    private static string SharedPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString()
        {
            var text = new StringBuilder();
            text.AppendLine($"dotnet {Command} exited with {ExitCode}");
            text.AppendLine("--- stdout ---").AppendLine(StdOut);
            text.AppendLine("--- stderr ---").AppendLine(StdErr);
            return text.ToString();
        }
    }
}
