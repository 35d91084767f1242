using System.Collections.Concurrent;
using System.Security;
using System.Text;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>A package a notebook or file-based app names: its id and the version (range) as written; null: none written.</summary>
internal sealed record PackageRequest(string Id, string? Version)
{
    public override string ToString() => Version is null ? Id : $"{Id} {Version}";
}

/// <summary>
/// What a restore gave: the compile assemblies of every package in the closure and the version each package resolved
/// to (id, case-insensitive), or the reason it failed.
/// </summary>
internal sealed record RestoreOutcome(IReadOnlyList<string> CompileAssemblies, IReadOnlyDictionary<string, string> Versions, string? Failure)
{
    /// <summary>A file-based app's other C# files (<c>#:include</c>, globs expanded), as the SDK's virtual project compiles them.</summary>
    public IReadOnlyList<string> OtherSources { get; init; } = [];
}

/// <summary>
/// Restores packages the way the real tools do, with NuGet itself (the dotnet CLI), never by reading package folders by
/// hand: version ranges, floating and prerelease wildcards, sources, credentials, global and fallback package folders
/// are all NuGet's. A notebook's references are restored through a generated project in a temporary folder whose
/// nuget.config lookup starts at the notebook's folder (<c>RestoreRootConfigDirectory</c>), plus its <c>#i</c> sources
/// (<c>RestoreAdditionalProjectSources</c>), as the .NET Interactive kernel restores them; a file-based app through
/// <c>dotnet restore app.cs</c>, the SDK's own virtual project. Restores are cached per run by what they restore. The
/// analysis of notebooks and apps and the conversion of notebooks (which pins a versionless reference to what NuGet
/// resolves) both restore here, so both see the same sources and versions.
/// </summary>
internal sealed class PackageRestore(Action<string>? progress = null)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10); // a hang guard: a restore that needs longer is a failure

    private readonly ConcurrentDictionary<string, Lazy<Task<RestoreOutcome>>> _cache = new(StringComparer.Ordinal);

    /// <summary>The target framework references are restored for: the runtime the tool runs on, as the kernel does.</summary>
    public static string TargetFramework => $"net{Environment.Version.Major}.0";

    /// <summary>
    /// Restores <paramref name="packages"/> for a notebook in <paramref name="folder"/> (a package with no version: the
    /// latest stable one, <c>*</c>, as the kernel asks for it), from the folder's NuGet sources and <paramref name="extraSources"/>.
    /// </summary>
    public Task<RestoreOutcome> RestoreNotebookAsync(string folder, IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> extraSources, CancellationToken ct)
    {
        var key = string.Join('\n', ["notebook", folder, .. packages.Select(p => $"{p.Id.ToLowerInvariant()}\t{p.Version}").Order(StringComparer.Ordinal),
            "sources", .. extraSources.Order(StringComparer.Ordinal)]);
        return Cached(key, () =>
        {
            // A first restore can download for minutes (TorchSharp's native libraries are hundreds of MB): say so.
            progress?.Invoke($"restoring {string.Join(", ", packages)} with NuGet (for notebooks in {folder})");
            return Heartbeat.WhileAsync(RestoreGeneratedProjectAsync(folder, packages, extraSources, ct), $"restoring {string.Join(", ", packages)}", progress, ct);
        });
    }

    /// <summary>Restores a file-based app's <c>#:package</c>, <c>#:sdk</c> and <c>#:project</c> directives with <c>dotnet restore app.cs</c>.</summary>
    public Task<RestoreOutcome> RestoreFileBasedAppAsync(string appPath, CancellationToken ct) =>
        Cached("app\n" + appPath, async () =>
        {
            progress?.Invoke($"restoring the packages of {appPath} with NuGet");
            // PublishAot=false: a file-based app publishes native AOT by default, which makes restore fetch the ILCompiler
            // and runtime packs; analysis needs only the compile assets, and a machine without those packs must not make
            // the app "not analysed". NuGetAudit=false: no vulnerability look-up either.
            // The Compile items are the SDK's own answer to what the app compiles: #:include (SDK 10.0.300+) adds files,
            // globs expanded, that the analysis must see as `dotnet build app.cs` does.
            var (exit, output) = await Heartbeat.WhileAsync(RunDotnetAsync(Path.GetDirectoryName(appPath)!,
                ["restore", appPath, "-p:PublishAot=false", "-p:NuGetAudit=false", "-getProperty:ProjectAssetsFile", "-getItem:Compile"], ct),
                $"restoring the packages of {Path.GetFileName(appPath)}", progress, ct).ConfigureAwait(false);
            var (assets, compile) = EvaluatedApp(output);
            return Outcome(exit, output, assets, TargetFramework) with
            {
                OtherSources = compile.Where(f => !Output.ChangeWriter.PathComparer.Equals(Path.GetFullPath(f), Path.GetFullPath(appPath))).ToList(),
            };
        });

    /// <summary>
    /// The JSON that <c>-getProperty</c> with <c>-getItem</c> prints after the restore's own lines: the assets file and
    /// the Compile items' full paths. Nothing when the project could not be evaluated (its error lines say why).
    /// </summary>
    private static (string? AssetsFile, IReadOnlyList<string> Compile) EvaluatedApp(string output)
    {
        var text = output.Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = text.StartsWith('{') ? 0 : text.IndexOf("\n{\n", StringComparison.Ordinal) + 1;
        var end = text.LastIndexOf("\n}", StringComparison.Ordinal);
        if ((start == 0 && !text.StartsWith('{')) || end < start)
        {
            return (null, []);
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(text[start..(end + 2)]);
            var root = json.RootElement;
            var assets = root.TryGetProperty("Properties", out var properties) && properties.TryGetProperty("ProjectAssetsFile", out var a) ? a.GetString() : null;
            var compile = root.TryGetProperty("Items", out var items) && items.TryGetProperty("Compile", out var c)
                ? c.EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()).OfType<string>().ToList()
                : [];
            return (string.IsNullOrEmpty(assets) ? null : assets, compile);
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, []);
        }
    }

    private Task<RestoreOutcome> Cached(string key, Func<Task<RestoreOutcome>> restore) =>
        _cache.GetOrAdd(key, _ => new Lazy<Task<RestoreOutcome>>(restore)).Value;

    private static async Task<RestoreOutcome> RestoreGeneratedProjectAsync(string folder, IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> extraSources, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("trainer-migrate-restore-");
        try
        {
            // Stubs stop MSBuild from importing anything above the temporary folder (central package management included).
            foreach (var stub in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                await File.WriteAllTextAsync(Path.Combine(work.FullName, stub), "<Project />", ct).ConfigureAwait(false);
            }

            var project = Path.Combine(work.FullName, "NotebookReferences.csproj");
            await File.WriteAllTextAsync(project, ProjectText(folder, packages, extraSources), ct).ConfigureAwait(false);
            var (exit, output) = await RunDotnetAsync(work.FullName, ["restore", project], ct).ConfigureAwait(false);
            return Outcome(exit, output, Path.Combine(work.FullName, "obj", "project.assets.json"), TargetFramework);
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static string ProjectText(string folder, IReadOnlyList<PackageRequest> packages, IReadOnlyList<string> extraSources)
    {
        static string X(string s) => SecurityElement.Escape(s);
        var items = new StringBuilder();
        foreach (var package in packages)
        {
            items.Append($"    <PackageReference Include=\"{X(package.Id)}\" Version=\"{X(string.IsNullOrWhiteSpace(package.Version) ? "*" : package.Version.Trim())}\" />\n");
        }

        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <RestoreRootConfigDirectory>{X(folder)}</RestoreRootConfigDirectory>
                <RestoreAdditionalProjectSources>{X(string.Join(';', extraSources))}</RestoreAdditionalProjectSources>
                <DisableImplicitNuGetFallbackFolder>true</DisableImplicitNuGetFallbackFolder>
                <!-- Only the compile assets are read: no vulnerability audit (a network look-up, warnings only). -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
            {items}  </ItemGroup>
            </Project>
            """;
    }

    private static RestoreOutcome Outcome(int exit, string output, string? assetsPath, string framework)
    {
        var assets = assetsPath is not null && File.Exists(assetsPath) ? AssetsFile.TryRead(assetsPath, framework) : null;
        if (exit != 0 || assets is null)
        {
            var errors = assets?.Errors is { Count: > 0 } logged ? logged : ErrorLines(output);
            return new RestoreOutcome([], new Dictionary<string, string>(), errors.Count > 0 ? string.Join("; ", errors) : $"dotnet restore exited with {exit}: {Tail(output)}");
        }

        return new RestoreOutcome(assets.CompileAssemblies, assets.PackageVersions, null);
    }

    private static List<string> ErrorLines(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(": error ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(": error ", StringComparison.Ordinal) + 2)..])
            .Distinct(StringComparer.Ordinal).ToList();

    private static string Tail(string output)
    {
        var text = output.Trim();
        return text.Length <= 400 ? text : "…" + text[^400..];
    }

    private static Task<(int ExitCode, string Output)> RunDotnetAsync(string workingDirectory, IReadOnlyList<string> args, CancellationToken ct) =>
        DotnetCli.RunAsync(workingDirectory, [.. args, "-nologo"], Limit, ct);
}
