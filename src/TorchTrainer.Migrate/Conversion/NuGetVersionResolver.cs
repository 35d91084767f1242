using System.Security;
using System.Text.Json;

using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>
/// Asks NuGet which version a version range resolves to, the way the kernel's own restore does: a tiny generated
/// project with one PackageReference, restored by the dotnet CLI with the notebook folder's nuget.config (and the
/// notebook's <c>#i</c> sources), and the resolved version read from its project.assets.json.
/// </summary>
internal static class NuGetVersionResolver
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>The version <paramref name="range"/> of <paramref name="id"/> resolves to, or the reason it does not.</summary>
    public static async Task<(string? Version, string? Error)> ResolveAsync(string id, string range, string notebookFolder,
        IReadOnlyList<string> extraSources, CancellationToken ct)
    {
        var (versions, error) = await RestoreAsync([(id, range)], notebookFolder, extraSources, ct).ConfigureAwait(false);
        return versions.TryGetValue(id, out var version) ? (version, null) : (null, error);
    }

    /// <summary>
    /// Restores the packages (into the NuGet global packages folder, where the fixes' analysis finds them) and returns
    /// the version each resolved to, or why the restore failed.
    /// </summary>
    public static async Task<(Dictionary<string, string> Versions, string? Error)> RestoreAsync(IReadOnlyList<(string Id, string Range)> packages,
        string notebookFolder, IReadOnlyList<string> extraSources, CancellationToken ct)
    {
        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var work = Directory.CreateTempSubdirectory("trainer-migrate-resolve-");
        try
        {
            // Empty Directory.Build/Packages files stop MSBuild from importing whatever lies above the temp folder.
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                await File.WriteAllTextAsync(Path.Combine(work.FullName, name), "<Project />", ct).ConfigureAwait(false);
            }

            var references = string.Concat(packages.Select(p =>
                $"\n    <PackageReference Include=\"{SecurityElement.Escape(p.Id)}\" Version=\"{SecurityElement.Escape(p.Range)}\" />"));
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "resolve.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <RestoreAdditionalProjectSources>{SecurityElement.Escape(string.Join(';', extraSources))}</RestoreAdditionalProjectSources>
                  </PropertyGroup>
                  <ItemGroup>{references}
                  </ItemGroup>
                </Project>
                """, ct).ConfigureAwait(false);

            var args = new List<string> { "restore", "resolve.csproj", "-nologo", "--disable-build-servers" };
            if (NearestNuGetConfig(notebookFolder) is { } config)
            {
                args.AddRange(["--configfile", config]);
            }

            var (exit, output) = await DotnetCli.RunAsync(work.FullName, args, Limit, ct).ConfigureAwait(false);
            var assets = Path.Combine(work.FullName, "obj", "project.assets.json");
            var what = string.Join(", ", packages.Select(p => $"{p.Id} {p.Range}"));
            if (exit != 0 || !File.Exists(assets))
            {
                var errors = output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim()).Distinct().Take(3);
                return (versions, $"NuGet could not restore {what}: {string.Join(" ", errors)}".TrimEnd());
            }

            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(assets, ct).ConfigureAwait(false));
            foreach (var library in document.RootElement.GetProperty("libraries").EnumerateObject())
            {
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0 && packages.Any(p => p.Id.Equals(library.Name[..slash], StringComparison.OrdinalIgnoreCase)))
                {
                    versions[library.Name[..slash]] = library.Name[(slash + 1)..];
                }
            }

            return (versions, versions.Count == packages.Count ? null : $"NuGet restored {what} but project.assets.json does not list every one");
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>The nuget.config NuGet would read first for the notebook's folder (the folder itself, then its parents).</summary>
    public static string? NearestNuGetConfig(string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            foreach (var name in new[] { "nuget.config", "NuGet.Config", "NuGet.config" })
            {
                var path = Path.Combine(dir.FullName, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

}
