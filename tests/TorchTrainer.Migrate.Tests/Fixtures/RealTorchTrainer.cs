using System.IO.Compression;
using System.Xml.Linq;
using TorchTrainer.TestSupport;

namespace TorchTrainer.Migrate.Tests.Fixtures;

/// <summary>
/// The real TorchTrainer runtime assembly (the TorchTrainer.dll this build built, copied next to the tests by the
/// project file) as the reference the analysed test code compiles against, in the three ways users' code names it:
/// a notebook's <c>#r "path.dll"</c>, a project's <c>&lt;Reference HintPath&gt;</c>, and a package in a local folder feed
/// for a file-based app's <c>#:package</c> or a notebook's <c>#r "nuget:"</c>. No build, no TorchSharp: only
/// the results API (<c>TrainingResults.FromMetrics</c>) is usable from the analysed code, which is all the
/// analyzers look at. With <see cref="Tool"/> (the in-process tool with its default, shipped analyzers and fixes) a
/// test sees exactly what the real fixes make of its input.
/// </summary>
internal static class RealTorchTrainer
{
    private static readonly Lazy<(string Feed, string Packages)> Feed = new(CreateFeed);

    /// <summary>Full path of the built TorchTrainer.dll (forward slashes, so it can go into JSON and C# strings as is).</summary>
    public static string AssemblyPath { get; } = FindAssembly();

    /// <summary>
    /// A version of the TorchTrainer package in the feed <see cref="WriteNuGetConfig"/> names; unique to this test run,
    /// so no other package folder can serve it.
    /// </summary>
    public static string PackageVersion { get; } = $"4.0.0-migrate-tests.g{Guid.NewGuid():N}";

    /// <summary>The notebook line that references the real assembly: <c>#r "/…/TorchTrainer.dll"</c>.</summary>
    public static string NotebookReference => $"#r \"{AssemblyPath}\"";

    /// <summary>The same line JSON-escaped, for an <c>.ipynb</c> source array.</summary>
    public static string NotebookReferenceJson => $"#r \\\"{AssemblyPath}\\\"";

    /// <summary>The project item that references the real assembly: <c>&lt;Reference Include="TorchTrainer" HintPath="…" /&gt;</c>.</summary>
    public static string ProjectReferenceItem => $"""<Reference Include="TorchTrainer"><HintPath>{AssemblyPath}</HintPath></Reference>""";

    /// <summary>The file-based app directive that references the package in the feed <see cref="WriteNuGetConfig"/> names.</summary>
    public static string PackageDirective => $"#:package TorchTrainer@{PackageVersion}";

    /// <summary>
    /// Results with two epochs (train/loss 2.91, 2.50; val/loss 3.02, 2.61): a C# expression for the analysed code,
    /// on one line so that a test's expected text stays easy to write.
    /// </summary>
    public const string TwoEpochResults =
        "TrainingResults.FromMetrics(MetricsSummary.FromRows(new[] { new Dictionary<string, double> { [\"epoch\"] = 1, [\"train/loss\"] = 2.91, [\"val/loss\"] = 3.02 }, new Dictionary<string, double> { [\"epoch\"] = 2, [\"train/loss\"] = 2.50, [\"val/loss\"] = 2.61 } }))";

    /// <summary>
    /// Stable versions of the same package in the feed besides <see cref="PackageVersion"/>, so that every version form a
    /// notebook may write (<c>*</c>, <c>4.0.*</c>, <c>*-*</c>, <c>[4.0,5.0)</c>, none) has something to resolve to. No
    /// other source holds a package named TorchTrainer, and the global packages folder is this run's own.
    /// </summary>
    public static IReadOnlyList<string> StableVersions { get; } = ["4.0.0", "4.0.1"];

    /// <summary>The local folder feed that holds the TorchTrainer packages.</summary>
    public static string FeedPath => Feed.Value.Feed;

    /// <summary>The global packages folder restores of this test run extract into (NUGET_PACKAGES, when set, wins, as in NuGet).</summary>
    public static string GlobalPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder : Feed.Value.Packages;

    /// <summary>A prerelease above every stable version: what <c>*-*</c> resolves to.</summary>
    public const string NewestPrerelease = "4.1.0-beta.1";

    /// <summary>
    /// Writes a nuget.config into <paramref name="folder"/>: a local folder feed holding the real assembly as the package
    /// TorchTrainer (<see cref="PackageVersion"/>, <see cref="StableVersions"/>, <see cref="NewestPrerelease"/>), nuget.org for
    /// everything else, this test run's own global packages folder (so every TorchTrainer version is restored on demand
    /// from the feed, never found in a cache) and the shared cache as a read-only fallback.
    /// </summary>
    /// <remarks><paramref name="withFeed"/> false: nuget.org only (a notebook then names the feed with <c>#i</c>).</remarks>
    public static void WriteNuGetConfig(string folder, bool withFeed = true) =>
        NuGetConfigFile.Write(folder, Feed.Value.Packages,
            withFeed ? [("real-torchtrainer", Feed.Value.Feed), ("nuget.org", NuGetConfigFile.NuGetOrg)] : [("nuget.org", NuGetConfigFile.NuGetOrg)]);

    private static string FindAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TorchTrainerRuntime", "TorchTrainer.dll");
        Assert.True(File.Exists(path), $"{path} is missing: the test project copies the built TorchTrainer.dll there (target CopyTorchTrainerRuntimeAssembly); rebuild the tests.");
        return path.Replace('\\', '/');
    }

    // One feed and one global packages folder per test run (in the temp folder; left for the OS to clean: tests run in
    // parallel and any of them may still read it). Each .nupkg holds the .nuspec and lib/net8.0/TorchTrainer.dll.
    private static (string Feed, string Packages) CreateFeed()
    {
        var root = Path.Combine(Path.GetTempPath(), "trainer-migrate-tests", "feed-" + Guid.NewGuid().ToString("N"));
        var feed = Directory.CreateDirectory(Path.Combine(root, "feed")).FullName;
        var packages = Directory.CreateDirectory(Path.Combine(root, "packages")).FullName;
        foreach (var version in StableVersions.Append(NewestPrerelease).Append(PackageVersion))
        {
            using var zip = ZipFile.Open(Path.Combine(feed, $"TorchTrainer.{version}.nupkg"), ZipArchiveMode.Create);
            zip.CreateEntryFromFile(AssemblyPath, "lib/net8.0/TorchTrainer.dll");
            XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
            using var nuspec = zip.CreateEntry("TorchTrainer.nuspec").Open();
            new XDocument(new XElement(ns + "package",
                new XElement(ns + "metadata",
                    new XElement(ns + "id", "TorchTrainer"),
                    new XElement(ns + "version", version),
                    new XElement(ns + "authors", "tests"),
                    new XElement(ns + "description", "The TorchTrainer.dll these tests were built with.")))).Save(nuspec);
        }

        return (feed, packages);
    }
}
