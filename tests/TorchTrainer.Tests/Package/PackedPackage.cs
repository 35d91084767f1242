using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text;

namespace TorchTrainer.Tests.Package;

/// <summary>The package tests share one packed TorchTrainer (packing takes a while) and run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedPackage>
{
    public const string Name = "TorchTrainer package";
}

/// <summary>
/// Packs TorchTrainer once for all package tests and creates consumer projects that reference the package
/// (not the project) from a local folder feed.
/// Packs the assembly this test run built (<c>--no-build</c>, checked byte for byte) under a unique
/// prerelease version and restores it into a private NUGET_PACKAGES folder (the shared cache serves
/// only as a read-only fallback for TorchSharp's 1 GB), so no cache can serve a stale package, nothing
/// is left in the shared cache, and another process cleaning the shared cache cannot break these tests.
/// Most consumer apps only call <c>FromMetrics</c>, never TorchSharp; the backend tests train with TorchSharp-cpu.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(5); // a hang guard, not a timing assertion

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("torchtrainer-package-");

    public PackedPackage()
    {
        var clock = Stopwatch.StartNew();
        Feed = Directory.CreateDirectory(Path.Combine(_work.FullName, "feed")).FullName;

        // Stop MSBuild and NuGet from picking up anything above the consumers (e.g. this repository's files).
        File.WriteAllText(Path.Combine(_work.FullName, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_work.FullName, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(_work.FullName, "Directory.Packages.props"), "<Project />");

        PackagePath = Pack();
        using (var zip = ZipFile.OpenRead(PackagePath))
        {
            Entries = zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
        }

        PackTime = clock.Elapsed;
    }

    /// <summary>The unique prerelease version the package was packed with.</summary>
    public string Version { get; } = $"4.0.0-test.g{Guid.NewGuid():N}";

    /// <summary>The local folder feed that holds the package.</summary>
    public string Feed { get; }

    /// <summary>The packed .nupkg.</summary>
    public string PackagePath { get; }

    /// <summary>The paths inside the package, sorted.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>How long packing took (reported by the tests that care).</summary>
    public TimeSpan PackTime { get; }

    private string PrivatePackages => Path.Combine(_work.FullName, "packages");

    public void Dispose()
    {
        TorchTrainer.TestSupport.FileBasedAppArtifacts.DeleteFor(_work.FullName);
        TryDelete(_work.FullName);
    }

    /// <summary>
    /// Creates a net10.0 console project named Consumer in its own folder, referencing the package, with
    /// <paramref name="program"/> as Program.cs, <paramref name="properties"/> added to its PropertyGroup and
    /// <paramref name="items"/> (e.g. a backend's PackageReference) to the ItemGroup of the package reference.
    /// </summary>
    public string CreateConsumer(string folder, string program, string properties = "", string items = "")
    {
        var app = Directory.CreateDirectory(Path.Combine(_work.FullName, folder)).FullName;
        WriteNuGetConfig(app);
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
            {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TorchTrainer" Version="{Version}" />
            {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        return app;
    }

    /// <summary>A new empty folder in the fixture's work folder (below its stub Directory.Build.props / .targets).</summary>
    public string CreateFolder(string folder) => Directory.CreateDirectory(Path.Combine(_work.FullName, folder)).FullName;

    /// <summary>
    /// Writes a nuget.config into <paramref name="folder"/>: the local feed and nuget.org as sources, the private package
    /// folder as the global packages folder (for tools that read nuget.config rather than the NUGET_PACKAGES this fixture
    /// sets for its children) and the shared cache as fallback.
    /// </summary>
    public void WriteNuGetConfig(string folder) =>
        TorchTrainer.TestSupport.NuGetConfigFile.Write(folder, PrivatePackages, ("test-feed", Feed), ("nuget.org", TorchTrainer.TestSupport.NuGetConfigFile.NuGetOrg));

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/>; fails the test when it exits with non-zero.</summary>
    public ProcessResult Run(string workingDirectory, params string[] args) => Run(workingDirectory, args, expectSuccess: true);

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> in a clean environment with the private package folder.</summary>
    public ProcessResult Run(string workingDirectory, string[] args, bool expectSuccess) =>
        ChildProcess.Run(ChildProcess.Dotnet(), workingDirectory, args, new Dictionary<string, string> { ["NUGET_PACKAGES"] = PrivatePackages }, ProcessLimit, expectSuccess);

    private string Pack()
    {
        var testAssembly = typeof(PackedPackage).Assembly;
        var configuration = testAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var project = Path.Combine(Repository.Root, "src", "TorchTrainer");
#if PACKED_PACKAGE_WITHOUT_RUNTIME_REFERENCE
        // A test project that builds TorchTrainer (a ProjectReference with ReferenceOutputAssembly=false) without running it.
        var built = Assert.Single(Directory.GetFiles(Path.Combine(project, "bin", configuration), "TorchTrainer.dll", SearchOption.AllDirectories));
#else
        var framework = new FrameworkName(typeof(TrainingResults).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
        var built = Path.Combine(project, "bin", configuration, $"net{framework.Version.Major}.{framework.Version.Minor}", "TorchTrainer.dll");
        Assert.True(
            File.Exists(built) && File.ReadAllBytes(built).AsSpan().SequenceEqual(File.ReadAllBytes(typeof(TrainingResults).Assembly.Location)),
            $"{built} is not the TorchTrainer.dll these tests run against; build the solution before running this test.");
#endif

        // --no-build: packs exactly what this test run built (building TorchTrainer builds its analyzers, which the
        // package carries); --no-restore and a private nuspec folder leave the repository's obj/ alone.
        Run(project, "pack", "-c", configuration, "--no-build", "--no-restore", $"-p:Version={Version}",
            $"-p:NuspecOutputPath={Path.Combine(_work.FullName, "nuspec")}{Path.DirectorySeparatorChar}", "-o", Feed);
        return Assert.Single(Directory.GetFiles(Feed, $"TorchTrainer.{Version}.nupkg"));
    }

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
}
