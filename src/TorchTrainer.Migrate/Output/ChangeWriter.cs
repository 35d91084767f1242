using System.Collections.Concurrent;

namespace TorchTrainer.Migrate.Output;

/// <summary>
/// The only place that writes files. Writes only inside the given roots, compared by real paths (a link is followed
/// to its target, which is written only when it lies inside a root, and the link stays a link), atomically (temp file
/// in the same folder, then rename), keeps encoding, BOM and file mode, refuses read-only files and files whose content
/// changed on disk since it was read. In dry-run / check mode it writes nothing.
/// </summary>
internal sealed class ChangeWriter
{
    private readonly RealPaths _roots;
    private readonly bool _write;
    private readonly ConcurrentDictionary<string, byte> _claimed = new(PathComparer);

    public ChangeWriter(IEnumerable<string> roots, bool write)
    {
        _roots = new RealPaths(roots);
        _write = write;
    }

    public static StringComparer PathComparer { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>True when the file <paramref name="path"/> leads to, links followed, lies inside a root.</summary>
    public bool IsInsideRoots(string path) => RealPaths.Resolve(path) is { } real && _roots.IsInsideRoots(real);

    /// <summary>Claims a path for one unit of work, so that a file shared by two projects is rewritten once.</summary>
    public bool TryClaim(string path) => _claimed.TryAdd(ClaimKey(path), 0);

    /// <summary>Whether a unit claimed <paramref name="path"/> (<see cref="TryClaim"/>): it analysed the file.</summary>
    public bool IsClaimed(string path) => _claimed.ContainsKey(ClaimKey(path));

    /// <summary>A file is claimed by where it leads (a link and its target are one file).</summary>
    private static string ClaimKey(string path) => RealPaths.Resolve(path) ?? Path.GetFullPath(path);

    public (ChangeOutcome Outcome, string? Message) Commit(FileChange change)
    {
        if (OutsideRoots(change.Path) is { } outside)
        {
            return (ChangeOutcome.OutsideRoots, $"{change.Path}: {outside}; not written");
        }

        var target = RealPaths.Resolve(change.Path)!;
        TextFile current;
        try
        {
            current = TextFile.Read(target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (ChangeOutcome.ChangedOnDisk, $"{change.Path}: cannot be read any more ({ex.Message}); not written");
        }
        catch (InvalidDataException ex)
        {
            return (ChangeOutcome.WriteFailed, $"{change.Path}: {ex.Message}; not written");
        }

        if (!string.Equals(current.Text, change.OriginalText, StringComparison.Ordinal))
        {
            return (ChangeOutcome.ChangedOnDisk, $"{change.Path}: changed on disk since it was read; not overwritten (run the migration again)");
        }

        if (!_write)
        {
            return (ChangeOutcome.WouldWrite, null);
        }

        if (IsReadOnly(target))
        {
            return (ChangeOutcome.ReadOnly, $"{change.Path}: read-only; not written (make it writable, then migrate again)");
        }

        try
        {
            var bytes = current.Encode(change.NewText);
            AtomicFile.Write(target, s => s.Write(bytes));
            return (ChangeOutcome.Written, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (ChangeOutcome.WriteFailed, $"{change.Path}: could not be written ({ex.Message})");
        }
    }

    /// <summary>Why <paramref name="path"/> must not be written (a link out of the roots, a link loop), or null.</summary>
    public string? OutsideRoots(string path)
    {
        var real = RealPaths.Resolve(path);
        if (real is null)
        {
            return "a loop of symbolic links";
        }

        if (_roots.IsInsideRoots(real))
        {
            return null;
        }

        return string.Equals(real, Path.GetFullPath(path), RealPaths.Comparison)
            ? "outside the given paths"
            : $"a link to {real}, outside the given paths (pass the target or a folder holding it to migrate it)";
    }

    /// <summary>Read-only by its mode or attributes (checked, not tried: the atomic rename would replace a read-only file, and root may write anything).</summary>
    private static bool IsReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly);
        }

        return (File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
    }

}
