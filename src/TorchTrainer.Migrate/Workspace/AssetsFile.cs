using System.Text.Json;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// The parts of NuGet's <c>project.assets.json</c> (the restore's output) the tool reads: the compile assets NuGet
/// chose for a target framework, the package folders they lie in, the version each package resolved to, and the
/// restore's logged errors.
/// </summary>
internal sealed class AssetsFile
{
    private AssetsFile(IReadOnlyList<string> errors, IReadOnlyList<string> compileAssemblies, IReadOnlyDictionary<string, string> packageVersions)
    {
        Errors = errors;
        CompileAssemblies = compileAssemblies;
        PackageVersions = packageVersions;
    }

    /// <summary>Every package of the restore's closure (id, case-insensitive) and the version NuGet resolved it to.</summary>
    public IReadOnlyDictionary<string, string> PackageVersions { get; }

    /// <summary>The restore's errors as NuGet logged them ("NU1101: Unable to find package …").</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>
    /// Full paths of the compile assemblies of every package restored for the framework (the target without a runtime
    /// identifier), looked up in the package folders in NuGet's order; empty placeholders (<c>_._</c>) skipped.
    /// </summary>
    public IReadOnlyList<string> CompileAssemblies { get; }

    public static AssetsFile? TryRead(string path, string framework)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return new AssetsFile(ErrorLogs(document.RootElement), ReadCompileAssemblies(document.RootElement, framework), ReadPackageVersions(document.RootElement));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The restore's errors from an assets file's "logs", each once and on one line: NuGet logs an unreachable source
    /// once per package, with the socket error's line breaks in it.
    /// </summary>
    public static IReadOnlyList<string> ErrorLogs(JsonElement root)
    {
        if (!root.TryGetProperty("logs", out var logs) || logs.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return logs.EnumerateArray()
            .Where(log => Text(log, "level") is { } level && level.Equals("Error", StringComparison.OrdinalIgnoreCase))
            .Select(log => System.Text.RegularExpressions.Regex.Replace($"{Text(log, "code")}: {Text(log, "message")}", @"\s*\n\s*", " ").Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static List<string> ReadCompileAssemblies(JsonElement root, string framework)
    {
        var folders = root.TryGetProperty("packageFolders", out var f) && f.ValueKind == JsonValueKind.Object
            ? f.EnumerateObject().Select(p => p.Name).ToList()
            : [];
        if (!root.TryGetProperty("targets", out var targets) || !root.TryGetProperty("libraries", out var libraries))
        {
            return [];
        }

        var all = targets.EnumerateObject().ToList();
        var target = all.FirstOrDefault(t => t.Name.Equals(framework, StringComparison.OrdinalIgnoreCase));
        if (target.Value.ValueKind != JsonValueKind.Object)
        {
            target = all.FirstOrDefault(t => !t.Name.Contains('/', StringComparison.Ordinal));
        }

        if (target.Value.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var result = new List<string>();
        foreach (var library in target.Value.EnumerateObject())
        {
            if (Text(library.Value, "type") != "package" || !library.Value.TryGetProperty("compile", out var compile)
                || !libraries.TryGetProperty(library.Name, out var info) || Text(info, "path") is not { } packagePath)
            {
                continue;
            }

            foreach (var asset in compile.EnumerateObject().Select(a => a.Name).Where(a => !a.EndsWith("/_._", StringComparison.Ordinal)))
            {
                var full = folders.Select(folder => Path.Combine(folder, packagePath, asset)).FirstOrDefault(File.Exists);
                if (full is not null)
                {
                    result.Add(full);
                }
            }
        }

        return result;
    }

    /// <summary>The "libraries" section's packages: each is named "Id/Version".</summary>
    private static Dictionary<string, string> ReadPackageVersions(JsonElement root)
    {
        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("libraries", out var libraries) && libraries.ValueKind == JsonValueKind.Object)
        {
            foreach (var library in libraries.EnumerateObject())
            {
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0 && Text(library.Value, "type") == "package")
                {
                    versions[library.Name[..slash]] = library.Name[(slash + 1)..];
                }
            }
        }

        return versions;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
