namespace TorchTrainer.Migrate.Output;

/// <summary>
/// Where a path really leads once every symbolic link on it (in any folder of it, and the last name) is followed, and
/// the roots the tool may write inside, compared by those real paths, so that a link cannot carry a write out of them.
/// </summary>
internal sealed class RealPaths
{
    private const int MaxLinks = 40; // as Linux's ELOOP: a longer chain is a loop

    private readonly IReadOnlyList<string> _roots;

    /// <param name="roots">
    /// The given paths: a folder's real path is a root; a file root stays that very file, a link included (its target
    /// is not a root: naming a link does not name what it points to).
    /// </param>
    public RealPaths(IEnumerable<string> roots)
    {
        _roots = roots.Select(r => Directory.Exists(r) ? Resolve(r) ?? Path.GetFullPath(r) : ResolveFolder(r)).ToArray();
    }

    public static StringComparison Comparison { get; } =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>True when <paramref name="realPath"/> (already resolved) is a root or lies inside a folder root.</summary>
    public bool IsInsideRoots(string realPath)
    {
        foreach (var root in _roots)
        {
            if (string.Equals(realPath, root, Comparison))
            {
                return true;
            }

            var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
            if (realPath.StartsWith(prefix, Comparison))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The path with every link followed; null when a link chain loops (or is longer than 40 links).</summary>
    public static string? Resolve(string path)
    {
        var pending = new Queue<string>(Split(Path.GetFullPath(path), out var current));
        var links = 0;
        while (pending.TryDequeue(out var part))
        {
            var next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    return null;
                }

                // Follow the link, then resolve the rest of the path from where it leads.
                var rest = pending.ToArray();
                pending = new Queue<string>(Split(Path.GetFullPath(Path.Combine(current, target)), out current).Concat(rest));
                continue;
            }

            current = next;
        }

        return current;
    }

    /// <summary>The file's folder resolved, the file's own name kept (a link stays the link).</summary>
    public static string ResolveFolder(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        return folder is null ? full : Path.Combine(Resolve(folder) ?? folder, Path.GetFileName(full));
    }

    private static string[] Split(string full, out string root)
    {
        root = Path.GetPathRoot(full)!;
        return full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
    }
}
