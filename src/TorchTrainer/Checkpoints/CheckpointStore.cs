using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace TorchTrainer.Checkpoints;

/// <summary>
/// The checkpoints of one run, in one folder. Each checkpoint is a sub-folder named
/// <c>{kind}-{generation}</c> (kind <c>last</c> or <c>best</c>; generations only grow). Writing one:
/// every file goes through <see cref="AtomicFile.Write"/> (a temporary file in that sub-folder,
/// flushed to disk and renamed); the
/// manifest (sizes and SHA-256 of every file) is written the same way, last. Only then are older
/// generations pruned (manifest deleted first), keeping <see cref="Keep"/> per kind. A process
/// killed at any point therefore leaves the previous checkpoints intact, and a checkpoint is
/// loaded only when its manifest matches every file.
/// </summary>
internal sealed partial class CheckpointStore
{
    public const string Last = "last";
    public const string Best = "best";

    private readonly ILogger? _logger;
    private long _nextGeneration;

    public CheckpointStore(string directory, int keep = 2, ILogger? logger = null)
    {
        Directory = Path.GetFullPath(directory);
        Keep = Math.Max(1, keep);
        _logger = logger;
        _nextGeneration = Scan().Select(c => c.Generation).DefaultIfEmpty(0).Max() + 1;
    }

    public string Directory { get; }

    public int Keep { get; }

    /// <summary>A file of a checkpoint and how to write its content.</summary>
    public readonly record struct Part(string Name, Action<Stream> Write);

    /// <summary>A checkpoint folder found on disk (not yet verified).</summary>
    public readonly record struct Entry(string Kind, long Generation, string Path);

    /// <summary>Writes a checkpoint of <paramref name="kind"/> atomically and returns its folder.</summary>
    public string Write(string kind, IReadOnlyList<Part> parts)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var generation = _nextGeneration++;
        var folder = Path.Combine(Directory, FolderName(kind, generation));
        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true); // left by a writer that was killed
        }

        System.IO.Directory.CreateDirectory(folder);
        var manifest = new CheckpointManifest { Kind = kind, Generation = generation, CreatedUtc = DateTime.UtcNow };
        foreach (var part in parts)
        {
            var path = Path.Combine(folder, part.Name);
            AtomicFile.Write(path, part.Write);
            manifest.Files.Add(new ManifestEntry { Name = part.Name, Length = new FileInfo(path).Length, Sha256 = CheckpointManifest.Sha256Of(path) });
        }

        AtomicFile.Write(Path.Combine(folder, CheckpointManifest.FileName), s => JsonSerializer.Serialize(s, manifest, CheckpointManifest.Json));
        Prune(kind);
        return folder;
    }

    /// <summary>All checkpoint folders, newest generation first.</summary>
    public IReadOnlyList<Entry> Scan()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var found = new List<Entry>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var match = FolderPattern().Match(Path.GetFileName(dir));
            if (match.Success && long.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            {
                found.Add(new Entry(match.Groups[1].Value, generation, dir));
            }
        }

        return found.OrderByDescending(e => e.Generation).ToList();
    }

    /// <summary>
    /// The newest verified checkpoint of <paramref name="kind"/> (any kind when null). Damaged or
    /// incomplete ones newer than it are skipped with a warning.
    /// </summary>
    public string? FindNewestValid(string? kind = null)
    {
        foreach (var entry in Scan().Where(e => kind is null || e.Kind == kind))
        {
            if (CheckpointManifest.Verify(entry.Path, out _) is not { } problem)
            {
                return entry.Path;
            }

            _logger?.LogWarning("Skipping checkpoint '{Checkpoint}': {Problem}; using an older one.", entry.Path, problem);
        }

        return null;
    }

    /// <summary>
    /// The newest verified checkpoint of any kind, with its state. Generations only grow, so within a
    /// run the newest is also the furthest; across runs sharing a folder it is the latest run's.
    /// Damaged or incomplete checkpoints are skipped, each with a logged warning.
    /// </summary>
    public (string Path, CheckpointState State)? FindResumePoint()
    {
        foreach (var entry in Scan())
        {
            if (CheckpointManifest.Verify(entry.Path, out _) is { } problem)
            {
                _logger?.LogWarning("Skipping checkpoint '{Checkpoint}': {Problem}. Falling back to the previous good checkpoint.", entry.Path, problem);
                continue;
            }

            CheckpointState? state;
            try
            {
                state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllBytes(Path.Combine(entry.Path, CheckpointState.FileName)), CheckpointManifest.Json);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                _logger?.LogWarning("Skipping checkpoint '{Checkpoint}': its state.json cannot be read ({Error}). Falling back to the previous good checkpoint.", entry.Path, e.Message);
                continue;
            }

            if (state is null || state.Format > CheckpointState.CurrentFormat)
            {
                _logger?.LogWarning("Skipping checkpoint '{Checkpoint}': its state.json is empty or from a newer TorchTrainer. Falling back to the previous good checkpoint.", entry.Path);
                continue;
            }

            return (entry.Path, state);
        }

        return null;
    }

    private void Prune(string kind)
    {
        var kept = 0;
        foreach (var entry in Scan().Where(e => e.Kind == kind))
        {
            var complete = File.Exists(Path.Combine(entry.Path, CheckpointManifest.FileName));
            if (complete && kept < Keep)
            {
                kept++;
                continue;
            }

            try
            {
                // The manifest goes first, so a prune that is interrupted leaves an incomplete folder, never a half-deleted "valid" one.
                TryDelete(Path.Combine(entry.Path, CheckpointManifest.FileName));
                System.IO.Directory.Delete(entry.Path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger?.LogDebug("Could not remove old checkpoint '{Checkpoint}': {Error}", entry.Path, e.Message);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }

    internal static string FolderName(string kind, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}-{generation:D6}");

    [GeneratedRegex("^(last|best)-([0-9]{6,})$")]
    private static partial Regex FolderPattern();
}
