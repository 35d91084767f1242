using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TorchTrainer.Checkpoints;

/// <summary>
/// manifest.json of a checkpoint folder: the list of its files with their sizes and SHA-256. It is
/// written last, so a checkpoint without a manifest (or whose files do not match it) is incomplete
/// or damaged and is never loaded.
/// </summary>
internal sealed class CheckpointManifest
{
    public const int CurrentFormat = 1;
    public const string FileName = "manifest.json";

    [JsonPropertyName("format")]
    public int Format { get; set; } = CurrentFormat;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("generation")]
    public long Generation { get; set; }

    [JsonPropertyName("created_utc")]
    public DateTime CreatedUtc { get; set; }

    [JsonPropertyName("files")]
    public List<ManifestEntry> Files { get; set; } = [];

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>Checks the manifest and every file it lists; returns null when all is well, else what is wrong.</summary>
    public static string? Verify(string folder, out CheckpointManifest? manifest)
    {
        manifest = null;
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return "it has no manifest.json (it was not completely written)";
        }

        try
        {
            manifest = JsonSerializer.Deserialize<CheckpointManifest>(File.ReadAllBytes(path), Json);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return $"its manifest.json cannot be read ({e.Message})";
        }

        if (manifest is null || manifest.Files.Count == 0)
        {
            return "its manifest.json is empty";
        }

        if (manifest.Format > CurrentFormat)
        {
            return $"it was written in checkpoint format {manifest.Format}, newer than this TorchTrainer reads ({CurrentFormat})";
        }

        foreach (var entry in manifest.Files)
        {
            var file = Path.Combine(folder, entry.Name);
            if (entry.Name.Contains('/') || entry.Name.Contains('\\') || !File.Exists(file))
            {
                return $"its file '{entry.Name}' is missing";
            }

            try
            {
                var length = new FileInfo(file).Length;
                if (length != entry.Length)
                {
                    return $"its file '{entry.Name}' has {length} bytes but the manifest says {entry.Length} (truncated or changed)";
                }

                if (!string.Equals(Sha256Of(file), entry.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    return $"the checksum of its file '{entry.Name}' does not match the manifest (the file is damaged)";
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"its file '{entry.Name}' cannot be read ({e.Message})";
            }
        }

        return null;
    }
}

/// <summary>One file of a checkpoint.</summary>
internal sealed class ManifestEntry
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("length")]
    public long Length { get; set; }

    [JsonPropertyName("sha256")]
    public string Sha256 { get; set; } = "";
}
