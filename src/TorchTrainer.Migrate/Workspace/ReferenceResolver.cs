using System.Runtime.InteropServices;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Metadata references for code that is not an MSBuild project (file-based apps, notebooks): the
/// framework's reference assemblies from the SDK, and packages from the NuGet global packages folder
/// (with their dependencies, read from the .nuspec files). Nothing is downloaded.
/// </summary>
internal sealed class ReferenceResolver
{
    private static readonly string[] FrameworkPreference =
    [
        "net10.0", "net9.0", "net8.0", "net7.0", "net6.0", "net5.0", "netcoreapp3.1", "netcoreapp3.0",
        "netcoreapp2.2", "netcoreapp2.1", "netcoreapp2.0", "netstandard2.1", "netstandard2.0",
        "netstandard1.6", "netstandard1.5", "netstandard1.4", "netstandard1.3", "netstandard1.2", "netstandard1.1", "netstandard1.0",
    ];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> Framework = new(LoadFramework);
    private readonly Dictionary<string, MetadataReference> _cache = new(StringComparer.Ordinal);

    private readonly string? _globalPackagesFolder;

    /// <param name="globalPackagesFolder">
    /// A fixed global packages folder; null (the tool): NuGet's own choice for each file, i.e. NUGET_PACKAGES, else the
    /// <c>globalPackagesFolder</c> of the nearest nuget.config above the file, else ~/.nuget/packages, then the
    /// <c>fallbackPackageFolders</c> of those nuget.config files.
    /// </param>
    public ReferenceResolver(string? globalPackagesFolder = null)
    {
        _globalPackagesFolder = globalPackagesFolder;
    }

    /// <summary>The global packages folder used when no nuget.config names one.</summary>
    public string GlobalPackagesFolder => _globalPackagesFolder ?? NuGetFolders.Default;

    public static IReadOnlyList<MetadataReference> FrameworkReferences => Framework.Value;

    /// <summary>
    /// Resolves a package and its dependencies. Returns the references found; <paramref name="problems"/>
    /// gets one line per package that could not be resolved.
    /// </summary>
    /// <remarks><paramref name="near"/>: the file that names the package; its folder decides which nuget.config files apply.</remarks>
    public IReadOnlyList<MetadataReference> ResolvePackage(string id, string? version, List<string> problems, string? near = null)
    {
        var result = new List<MetadataReference>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var folders = _globalPackagesFolder is not null ? [_globalPackagesFolder] : NuGetFolders.For(near is null ? null : Path.GetDirectoryName(Path.GetFullPath(near)));
        Resolve(id, version, exact: true, folders, result, seen, problems, depth: 0);
        return result;
    }

    public MetadataReference? ResolveFile(string path)
    {
        lock (_cache)
        {
            if (!_cache.TryGetValue(path, out var reference))
            {
                if (!File.Exists(path))
                {
                    return null;
                }

                _cache[path] = reference = MetadataReference.CreateFromFile(path);
            }

            return reference;
        }
    }

    private void Resolve(string id, string? version, bool exact, IReadOnlyList<string> folders, List<MetadataReference> result,
        HashSet<string> seen, List<string> problems, int depth)
    {
        if (!seen.Add(id) || depth > 20 || IsFrameworkPackage(id))
        {
            return;
        }

        // The first package folder (global, then fallbacks) that holds a matching version, as NuGet looks them up.
        var available = new List<(string Text, Version? Parsed)>();
        string? chosen = null;
        var packageRoot = "";
        foreach (var packagesFolder in folders)
        {
            packageRoot = Path.Combine(packagesFolder, id.ToLowerInvariant());
            var here = Directory.Exists(packageRoot)
                ? Directory.GetDirectories(packageRoot).Select(Path.GetFileName).OfType<string>()
                    .Select(v => (Text: v, Parsed: ParseVersion(v))).Where(v => v.Parsed is not null).ToList()
                : [];
            available.AddRange(here);
            if ((chosen = ChooseVersion(here, version, exact)) is not null)
            {
                break;
            }
        }

        if (chosen is null)
        {
            var where = folders.Count == 1 ? $"the NuGet global packages folder ({folders[0]})" : $"the NuGet package folders ({string.Join(", ", folders)})";
            if (depth == 0)
            {
                problems.Add(available.Count == 0
                    ? $"package {id}{(version is null ? "" : "@" + version)} is not in {where}; restore or build it once (dotnet build), then migrate again"
                    : $"package {id}@{version} is not in {where} (there: {string.Join(", ", available.Select(a => a.Text))}); restore or build it once, then migrate again");
            }
            else
            {
                problems.Add($"dependency {id} {version} of a referenced package is not in the NuGet global packages folder; types from it are unresolved");
            }

            return;
        }

        var folder = Path.Combine(packageRoot, chosen);
        foreach (var dll in PickAssemblies(folder))
        {
            if (ResolveFile(dll) is { } reference)
            {
                result.Add(reference);
            }
        }

        foreach (var (dependency, range) in ReadDependencies(folder, id))
        {
            Resolve(dependency, range, exact: false, folders, result, seen, problems, depth + 1);
        }
    }

    private static bool IsFrameworkPackage(string id) =>
        id.StartsWith("System.", StringComparison.OrdinalIgnoreCase) && !id.StartsWith("System.CommandLine", StringComparison.OrdinalIgnoreCase)
        || id.Equals("NETStandard.Library", StringComparison.OrdinalIgnoreCase)
        || id.StartsWith("Microsoft.NETCore.", StringComparison.OrdinalIgnoreCase);

    private static string? ChooseVersion(List<(string Text, Version? Parsed)> available, string? requested, bool exact)
    {
        if (available.Count == 0)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(requested) || requested.Trim() == "*")
        {
            return available.MaxBy(a => a.Parsed)!.Text;
        }

        // A NuGet range "[1.0, 2.0)" or a plain minimum "1.0": the lowest available version at or above the minimum.
        var trimmed = requested.Trim();
        var minimumText = trimmed.TrimStart('[', '(').Split(',')[0].Trim().TrimEnd(']', ')');
        var exactMatch = available.FirstOrDefault(a => string.Equals(a.Text, minimumText, StringComparison.OrdinalIgnoreCase));
        if (exactMatch.Text is not null)
        {
            return exactMatch.Text;
        }

        if (exact)
        {
            return null;
        }

        var minimum = ParseVersion(minimumText);
        return minimum is null ? null : available.Where(a => a.Parsed >= minimum).OrderBy(a => a.Parsed).FirstOrDefault().Text;
    }

    private static Version? ParseVersion(string text)
    {
        var core = text.Split('-', '+')[0];
        return Version.TryParse(core.Contains('.') ? core : core + ".0", out var v) ? v : null;
    }

    private static IEnumerable<string> PickAssemblies(string packageFolder)
    {
        foreach (var kind in new[] { "ref", "lib" })
        {
            var root = Path.Combine(packageFolder, kind);
            if (!Directory.Exists(root))
            {
                continue;
            }

            var frameworks = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().ToList();
            var best = FrameworkPreference.FirstOrDefault(f => frameworks.Contains(f, StringComparer.OrdinalIgnoreCase));
            if (best is not null)
            {
                return Directory.GetFiles(Path.Combine(root, best), "*.dll");
            }
        }

        return [];
    }

    private static IEnumerable<(string Id, string? Range)> ReadDependencies(string packageFolder, string id)
    {
        var nuspec = Directory.GetFiles(packageFolder, "*.nuspec").FirstOrDefault();
        if (nuspec is null)
        {
            return [];
        }

        try
        {
            var document = XDocument.Load(nuspec);
            var dependencies = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "dependencies");
            if (dependencies is null)
            {
                return [];
            }

            var groups = dependencies.Elements().Where(e => e.Name.LocalName == "group").ToList();
            IEnumerable<XElement> chosen;
            if (groups.Count == 0)
            {
                chosen = dependencies.Elements().Where(e => e.Name.LocalName == "dependency");
            }
            else
            {
                var byFramework = groups.ToDictionary(g => NormalizeFramework((string?)g.Attribute("targetFramework")), g => g);
                var best = FrameworkPreference.FirstOrDefault(byFramework.ContainsKey);
                chosen = best is null ? [] : byFramework[best].Elements().Where(e => e.Name.LocalName == "dependency");
            }

            return chosen.Select(e => ((string?)e.Attribute("id") ?? "", (string?)e.Attribute("version")))
                .Where(d => d.Item1.Length > 0 && !d.Item1.Equals(id, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        catch (System.Xml.XmlException)
        {
            return [];
        }
    }

    private static string NormalizeFramework(string? framework)
    {
        if (string.IsNullOrEmpty(framework))
        {
            return "";
        }

        var f = framework.ToLowerInvariant();
        if (f.StartsWith(".netstandard", StringComparison.Ordinal))
        {
            return "netstandard" + f[".netstandard".Length..];
        }

        if (f.StartsWith(".netcoreapp", StringComparison.Ordinal))
        {
            var v = f[".netcoreapp".Length..];
            return Version.TryParse(v, out var parsed) && parsed.Major >= 5 ? $"net{parsed.Major}.{parsed.Minor}" : "netcoreapp" + v;
        }

        return f;
    }

    private static IReadOnlyList<MetadataReference> LoadFramework()
    {
        // The reference pack of the running runtime's major version, from the dotnet root the tool runs on.
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory();
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var major = Environment.Version.Major;
        var packRoot = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        if (Directory.Exists(packRoot))
        {
            var version = Directory.GetDirectories(packRoot).Select(Path.GetFileName).OfType<string>()
                .Where(v => v.StartsWith(major + ".", StringComparison.Ordinal))
                .OrderByDescending(v => ParseVersion(v)).FirstOrDefault();
            var folder = version is null ? null : Path.Combine(packRoot, version, "ref", $"net{major}.0");
            if (folder is not null && Directory.Exists(folder))
            {
                return Directory.GetFiles(folder, "*.dll").Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
            }
        }

        // No SDK reference pack: the runtime's own assemblies compile just as well for analysis.
        return Directory.GetFiles(runtimeDirectory, "*.dll")
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.CSharp.dll" or "Microsoft.Win32.Primitives.dll")
            .Select(p =>
            {
                try
                {
                    return (MetadataReference?)MetadataReference.CreateFromFile(p);
                }
                catch (BadImageFormatException)
                {
                    return null;
                }
            })
            .OfType<MetadataReference>().ToArray();
    }
}
