namespace TorchTrainer.TestSupport;

/// <summary>
/// The nuget.config of a test's consumer projects, notebooks and apps: the test's own global packages folder (so
/// nothing is extracted into the machine's shared cache, and no cache there serves a stale test package), the given
/// sources only, and the shared cache as a read-only fallback (TorchSharp's gigabyte, the targeting packs).
/// </summary>
internal static class NuGetConfigFile
{
    public const string NuGetOrg = "https://api.nuget.org/v3/index.json";

    /// <summary>The machine's shared global packages folder: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string SharedPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Writes <c>nuget.config</c> into <paramref name="folder"/> (sources in the order given, after a clear).</summary>
    public static void Write(string folder, string packagesFolder, params (string Key, string Source)[] sources)
    {
        var lines = string.Join("\n", sources.Select(s => $"""    <add key="{s.Key}" value="{s.Source}" />"""));
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packagesFolder}" />
              </config>
              <packageSources>
                <clear />
            {lines}
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="shared-cache" value="{SharedPackagesFolder()}" />
              </fallbackPackageFolders>
            </configuration>

            """);
    }
}
