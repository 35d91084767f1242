using System.Xml.Linq;

namespace TorchTrainer.Migrate.Tests.Fixtures;

/// <summary>
/// The real TorchTrainer runtime assembly (the TorchTrainer.dll this build built, copied next to the tests by the
/// project file) as the reference the analysed test code compiles against, in the three ways users' code names it:
/// a notebook's <c>#r "path.dll"</c>, a project's <c>&lt;Reference HintPath&gt;</c>, and a package in a NuGet folder for
/// a file-based app's <c>#:package</c> or a notebook's <c>#r "nuget:"</c>. No packing, no restore, no TorchSharp: only
/// the results API (<c>TrainingResults.FromMetrics</c>) is usable from the analysed code, which is all the
/// analyzers look at. With <see cref="Tool"/> (the in-process tool with its default, shipped analyzers and fixes) a
/// test sees exactly what the real fixes make of its input.
/// </summary>
internal static class RealTorchTrainer
{
    private static readonly Lazy<string> PackageFolder = new(CreatePackageFolder);

    /// <summary>Full path of the built TorchTrainer.dll (forward slashes, so it can go into JSON and C# strings as is).</summary>
    public static string AssemblyPath { get; } = FindAssembly();

    /// <summary>
    /// The version of the TorchTrainer package in the package folder <see cref="WriteNuGetConfig"/> points to; unique to
    /// this test run, so no other package folder can serve it.
    /// </summary>
    public static string PackageVersion { get; } = $"4.0.0-migrate-tests.g{Guid.NewGuid():N}";

    /// <summary>The notebook line that references the real assembly: <c>#r "/…/TorchTrainer.dll"</c>.</summary>
    public static string NotebookReference => $"#r \"{AssemblyPath}\"";

    /// <summary>The same line JSON-escaped, for an <c>.ipynb</c> source array.</summary>
    public static string NotebookReferenceJson => $"#r \\\"{AssemblyPath}\\\"";

    /// <summary>The project item that references the real assembly: <c>&lt;Reference Include="TorchTrainer" HintPath="…" /&gt;</c>.</summary>
    public static string ProjectReferenceItem => $"""<Reference Include="TorchTrainer"><HintPath>{AssemblyPath}</HintPath></Reference>""";

    /// <summary>The file-based app directive that references the package in the folder <see cref="WriteNuGetConfig"/> names.</summary>
    public static string PackageDirective => $"#:package TorchTrainer@{PackageVersion}";

    /// <summary>
    /// Results with two epochs (train/loss 2.91, 2.50; val/loss 3.02, 2.61): a C# expression for the analysed code,
    /// on one line so that a test's expected text stays easy to write.
    /// </summary>
    public const string TwoEpochResults =
        "TrainingResults.FromMetrics(MetricsSummary.FromRows(new[] { new Dictionary<string, double> { [\"epoch\"] = 1, [\"train/loss\"] = 2.91, [\"val/loss\"] = 3.02 }, new Dictionary<string, double> { [\"epoch\"] = 2, [\"train/loss\"] = 2.50, [\"val/loss\"] = 2.61 } }))";

    /// <summary>
    /// Writes a nuget.config into <paramref name="folder"/> whose fallback package folder holds the real assembly as the
    /// package TorchTrainer <see cref="PackageVersion"/> (so <see cref="PackageDirective"/> and <c>#r "nuget: TorchTrainer,
    /// version"</c> resolve for code in that folder, whatever NUGET_PACKAGES says).
    /// </summary>
    public static void WriteNuGetConfig(string folder) =>
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <fallbackPackageFolders>
                <add key="real-torchtrainer" value="{PackageFolder.Value}" />
              </fallbackPackageFolders>
            </configuration>
            """);

    private static string FindAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TorchTrainerRuntime", "TorchTrainer.dll");
        Assert.True(File.Exists(path), $"{path} is missing: the test project copies the built TorchTrainer.dll there (target CopyTorchTrainerRuntimeAssembly); rebuild the tests.");
        return path.Replace('\\', '/');
    }

    // One package folder per test run (in the temp folder; left for the OS to clean: tests run in parallel and any of
    // them may still read it): torchtrainer/<version>/ with the .nuspec and lib/net8.0/TorchTrainer.dll, as NuGet lays it out.
    private static string CreatePackageFolder()
    {
        var root = Path.Combine(Path.GetTempPath(), "trainer-migrate-tests", "packages-" + Guid.NewGuid().ToString("N"));
        var package = Path.Combine(root, "torchtrainer", PackageVersion.ToLowerInvariant());
        var lib = Directory.CreateDirectory(Path.Combine(package, "lib", "net8.0")).FullName;
        File.Copy(AssemblyPath, Path.Combine(lib, "TorchTrainer.dll"));
        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        new XDocument(new XElement(ns + "package",
            new XElement(ns + "metadata",
                new XElement(ns + "id", "TorchTrainer"),
                new XElement(ns + "version", PackageVersion),
                new XElement(ns + "authors", "tests"),
                new XElement(ns + "description", "The TorchTrainer.dll these tests were built with.")))).Save(Path.Combine(package, "torchtrainer.nuspec"));
        return root;
    }
}
