using System.Collections.Concurrent;
using System.Xml.Linq;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// The package folders NuGet restores into and reads from for a folder, as <c>dotnet restore</c> finds them: the global
/// packages folder (NUGET_PACKAGES, else the <c>globalPackagesFolder</c> of the nearest nuget.config above the folder,
/// else the user's nuget.config, else ~/.nuget/packages), then the <c>fallbackPackageFolders</c> of those files (nearest
/// first, up to a <c>&lt;clear /&gt;</c>). Relative paths are relative to the nuget.config that names them.
/// </summary>
internal static class NuGetFolders
{
    private static readonly string[] ConfigNames = ["nuget.config", "NuGet.config", "NuGet.Config"];
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> Cache = new(StringComparer.Ordinal);

    /// <summary>NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string Default =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The global packages folder first, then the fallback folders, for code in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> For(string? directory) =>
        directory is null ? [Default] : Cache.GetOrAdd(directory, Compute);

    private static IReadOnlyList<string> Compute(string directory)
    {
        var configs = new List<string>();
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var config = ConfigNames.Select(n => Path.Combine(dir.FullName, n)).FirstOrDefault(File.Exists);
            if (config is not null)
            {
                configs.Add(config);
            }
        }

        var user = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
        if (File.Exists(user))
        {
            configs.Add(user);
        }

        string? global = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env ? env : null;
        var fallbacks = new List<string>();
        var fallbacksCleared = false;
        foreach (var config in configs)
        {
            XElement root;
            try
            {
                root = XDocument.Load(config).Root!;
            }
            catch (System.Xml.XmlException)
            {
                continue;
            }

            var baseDir = Path.GetDirectoryName(config)!;
            global ??= root.Elements("config").Elements("add")
                .Where(a => string.Equals((string?)a.Attribute("key"), "globalPackagesFolder", StringComparison.OrdinalIgnoreCase))
                .Select(a => (string?)a.Attribute("value")).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } value
                ? Path.GetFullPath(Path.Combine(baseDir, Environment.ExpandEnvironmentVariables(value)))
                : null;

            if (!fallbacksCleared && root.Element("fallbackPackageFolders") is { } section)
            {
                foreach (var element in section.Elements())
                {
                    if (element.Name.LocalName == "clear")
                    {
                        fallbacksCleared = true;
                    }
                    else if (element.Name.LocalName == "add" && (string?)element.Attribute("value") is { Length: > 0 } folder)
                    {
                        fallbacks.Add(Path.GetFullPath(Path.Combine(baseDir, Environment.ExpandEnvironmentVariables(folder))));
                    }
                }
            }
        }

        return [global ?? Default, .. fallbacks.Distinct(StringComparer.Ordinal)];
    }
}
