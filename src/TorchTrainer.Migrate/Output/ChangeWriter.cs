using System.Collections.Concurrent;

namespace TorchTrainer.Migrate.Output;

/// <summary>
/// The only place that writes files. Writes only inside the given roots, atomically (temp file in the
/// same folder, then rename), keeps encoding, BOM and file mode, and refuses to overwrite a file whose
/// content changed on disk since it was read. In dry-run / check mode it writes nothing.
/// </summary>
internal sealed class ChangeWriter
{
    private readonly IReadOnlyList<string> _roots;
    private readonly bool _write;
    private readonly ConcurrentDictionary<string, byte> _claimed = new(PathComparer);

    public ChangeWriter(IEnumerable<string> roots, bool write)
    {
        _roots = roots.Select(Path.GetFullPath).ToArray();
        _write = write;
    }

    public static StringComparer PathComparer { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    public bool IsInsideRoots(string path)
    {
        var full = Path.GetFullPath(path);
        var comparison = PathComparer == StringComparer.Ordinal ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        foreach (var root in _roots)
        {
            if (string.Equals(full, root, comparison))
            {
                return true;
            }

            var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
            if (full.StartsWith(prefix, comparison))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Claims a path for one unit of work, so that a file shared by two projects is rewritten once.</summary>
    public bool TryClaim(string path) => _claimed.TryAdd(Path.GetFullPath(path), 0);

    public (ChangeOutcome Outcome, string? Message) Commit(FileChange change)
    {
        if (!IsInsideRoots(change.Path))
        {
            return (ChangeOutcome.OutsideRoots, $"{change.Path}: outside the given paths, not written");
        }

        TextFile current;
        try
        {
            current = TextFile.Read(change.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (ChangeOutcome.ChangedOnDisk, $"{change.Path}: cannot be read any more ({ex.Message}); not written");
        }

        if (!string.Equals(current.Text, change.OriginalText, StringComparison.Ordinal))
        {
            return (ChangeOutcome.ChangedOnDisk, $"{change.Path}: changed on disk since it was read; not overwritten (run the migration again)");
        }

        if (!_write)
        {
            return (ChangeOutcome.WouldWrite, null);
        }

        try
        {
            WriteAtomically(change.Path, current.Encode(change.NewText));
            return (ChangeOutcome.Written, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (ChangeOutcome.WriteFailed, $"{change.Path}: could not be written ({ex.Message})");
        }
    }

    public static void WriteAtomically(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.trainer-migrate.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows() && File.Exists(full))
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(full));
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
