using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Metadata references for code that is not an MSBuild project (file-based apps, notebooks): the framework's reference
/// assemblies from the SDK, assemblies named by path, and packages restored by NuGet itself (<see cref="PackageRestore"/>):
/// nothing here picks a package version or a package folder by hand.
/// </summary>
internal sealed class ReferenceResolver(Action<string>? progress = null)
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> Framework = new(LoadFramework);
    private readonly Dictionary<string, MetadataReference> _cache = new(StringComparer.Ordinal);
    private readonly PackageRestore _restore = new(progress);

    public static IReadOnlyList<MetadataReference> FrameworkReferences => Framework.Value;

    /// <summary>The run's NuGet restores (cached by what they restore), for whoever needs a package's resolved version too.</summary>
    public PackageRestore Packages => _restore;

    /// <summary>
    /// The compile assemblies of a notebook's <c>#r "nuget: …"</c> packages and their dependencies, restored from the
    /// notebook folder's NuGet sources plus its <c>#i "nuget: …"</c> sources; or why they could not be restored.
    /// </summary>
    public async Task<(IReadOnlyList<MetadataReference> References, string? Failure)> ResolveNotebookPackagesAsync(
        string notebookPath, IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> sources, CancellationToken ct)
    {
        if (packages.Count == 0)
        {
            return ([], null);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(notebookPath))!;
        var outcome = await _restore.RestoreNotebookAsync(folder, packages, sources, ct).ConfigureAwait(false);
        return (References(outcome), outcome.Failure);
    }

    /// <summary>The compile assemblies of a file-based app's packages, restored by the SDK from its directives, and its other C# files (#:include); or why not.</summary>
    public async Task<(IReadOnlyList<MetadataReference> References, IReadOnlyList<string> OtherSources, string? Failure)> ResolveFileBasedAppAsync(string appPath, CancellationToken ct)
    {
        var outcome = await _restore.RestoreFileBasedAppAsync(Path.GetFullPath(appPath), ct).ConfigureAwait(false);
        return (References(outcome), outcome.OtherSources, outcome.Failure);
    }

    private List<MetadataReference> References(RestoreOutcome outcome) =>
        outcome.CompileAssemblies.Select(ResolveFile).OfType<MetadataReference>().ToList();

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

    private static Version? ParseVersion(string text)
    {
        var core = text.Split('-', '+')[0];
        return Version.TryParse(core.Contains('.') ? core : core + ".0", out var v) ? v : null;
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
