using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.FileBasedApps;

namespace TorchTrainer.Migrate.Discovery;

/// <summary>Turns the command's PATH arguments into solutions, projects, file-based apps and notebooks.</summary>
internal static class InputResolver
{
    /// <summary>
    /// Folders that hold tools' state, never the user's code: version control, IDE state, JavaScript packages, Jupyter's
    /// autosaved copies of notebooks, a repository's own .NET SDK. Every other folder is scanned, those whose names start
    /// with a dot too (.github, .notebooks): a notebook kept there is code a reader runs.
    /// </summary>
    internal static readonly HashSet<string> ToolFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        ".git", ".hg", ".svn", ".vs", ".vscode", ".idea", "node_modules", ".ipynb_checkpoints", ".dotnet",
    };

    /// <summary>A project's build output folders: skipped next to a project file only (a bin folder of scripts is source).</summary>
    private static readonly HashSet<string> BuildOutputFolders = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj" };

    /// <summary>The project files a folder scan finds (C# ones are analysed; F# and Visual Basic ones mark their folder as a project's).</summary>
    internal static readonly HashSet<string> ProjectExtensions = new(StringComparer.OrdinalIgnoreCase) { ".csproj", ".fsproj", ".vbproj" };

    public static MigrationInputs Resolve(IReadOnlyList<string> paths, string currentDirectory)
    {
        var inputs = new MigrationInputs();
        var seen = new HashSet<string>(Output.ChangeWriter.PathComparer);
        foreach (var raw in paths.Count == 0 ? ["."] : paths)
        {
            var path = Path.GetFullPath(Path.Combine(currentDirectory, raw));
            if (Directory.Exists(path))
            {
                inputs.Roots.Add(path);
                ScanFolder(path, inputs, seen);
                continue;
            }

            if (!File.Exists(path))
            {
                inputs.Errors.Add($"{raw}: no such file or folder");
                continue;
            }

            var extension = Path.GetExtension(path).ToLowerInvariant();
            switch (extension)
            {
                case ".sln" or ".slnx" or ".slnf":
                    inputs.Roots.Add(Path.GetDirectoryName(path)!);
                    Add(inputs.Solutions, path, seen);
                    break;
                case ".csproj":
                    inputs.Roots.Add(Path.GetDirectoryName(path)!);
                    Add(inputs.Projects, path, seen);
                    break;
                case ".ipynb" or ".dib":
                    // Its folder, as a project's: the C# files it imports (#!import helpers.cs) are its own to fix.
                    inputs.Roots.Add(Path.GetDirectoryName(path)!);
                    Add(inputs.Notebooks, path, seen);
                    break;
                case ".cs":
                    var read = Output.TextFile.TryRead(path);
                    if (read.Error is { } unreadable)
                    {
                        inputs.Errors.Add($"{raw}: cannot be read: {unreadable}");
                    }
                    else if (FileBasedApp.HasDirectives(read.Text!))
                    {
                        // Its folder, as a project's: the files it includes (#:include) are its own to fix.
                        inputs.Roots.Add(Path.GetDirectoryName(path)!);
                        Add(inputs.FileBasedApps, path, seen);
                    }
                    else
                    {
                        inputs.Errors.Add($"{raw}: not a file-based app (no #:package or #:property directive); pass its project (.csproj) or folder instead");
                    }

                    break;
                default:
                    inputs.Errors.Add($"{raw}: not something trainer-migrate reads (expected a folder, .sln, .slnx, .slnf, .csproj, a file-based app .cs, .ipynb or .dib)");
                    break;
            }
        }

        SetAsideLinksOutOfRoots(inputs);
        if (inputs.Errors.Count == 0 && inputs.Count == 0 && inputs.NotAnalysed.Count == 0 && inputs.LooseFiles.Count == 0)
        {
            inputs.Errors.Add($"{string.Join(", ", paths.Count == 0 ? ["."] : paths)}: no solution, project, file-based app or notebook found");
        }

        return inputs;
    }

    /// <summary>
    /// A notebook, file-based app or project that is a link (or lies behind one) leading out of every root is not read:
    /// writing its fix would change a file the user did not name. It is reported as not analysed.
    /// </summary>
    private static void SetAsideLinksOutOfRoots(MigrationInputs inputs)
    {
        var writer = new Output.ChangeWriter(inputs.Roots, write: false);
        foreach (var list in new[] { inputs.Notebooks, inputs.FileBasedApps, inputs.Projects, inputs.Solutions })
        {
            foreach (var path in list.ToList())
            {
                if (writer.OutsideRoots(path) is { } reason)
                {
                    list.Remove(path);
                    inputs.NotAnalysed.Add((path, reason));
                }
            }
        }
    }

    /// <summary>Adds an input once, however many links lead to it.</summary>
    private static void Add(List<string> list, string path, HashSet<string> seen)
    {
        if (seen.Add(Output.RealPaths.Resolve(path) ?? path))
        {
            list.Add(path);
        }
    }

    /// <summary>
    /// Why a C# file that no input compiles (a loose .cs file, a .csx script) cannot be passed: the legacy names in
    /// <paramref name="read"/>'s text, with their lines, or that it cannot be read; null when it holds none.
    /// </summary>
    private static string? LooseFile((string? Text, string? Error) read, bool script)
    {
        if (read.Text is not { } text)
        {
            return $"cannot be read ({read.Error}): whether it {(script ? "" : "is a file-based app or ")}holds a legacy use cannot be told";
        }

        var names = Units.LegacyNames.In(SourceText.From(text)).Select(n => $"'{n.Name}' (line {n.Line})").ToList();
        return names.Count == 0 ? null
            : $"{string.Join(", ", names)} in {(script ? "a C# script (.csx)" : "a C# file outside every project that is not a file-based app")}: no project, "
              + "file-based app or notebook here compiles it, so nothing analyses it; migrate it by hand, or pass the project that compiles it";
    }

    /// <summary>Every project, file-based app and notebook under <paramref name="folder"/>, skipping projects' bin/obj and tool folders.</summary>
    private static void ScanFolder(string folder, MigrationInputs inputs, HashSet<string> seen)
    {
        var projectFolders = new List<string>();
        var candidates = new List<string>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            IEnumerable<string> files, folders;
            try
            {
                files = Directory.EnumerateFiles(current).OrderBy(f => f, StringComparer.Ordinal).ToList();
                folders = Directory.EnumerateDirectories(current).OrderByDescending(f => f, StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var file in files)
            {
                switch (Path.GetExtension(file).ToLowerInvariant())
                {
                    case ".csproj":
                        Add(inputs.Projects, file, seen);
                        projectFolders.Add(Path.GetDirectoryName(file)! + Path.DirectorySeparatorChar);
                        break;
                    case ".ipynb" or ".dib":
                        Add(inputs.Notebooks, file, seen);
                        break;
                    case ".cs" or ".csx":
                        candidates.Add(file);
                        break;
                }
            }

            var holdsProject = files.Any(f => ProjectExtensions.Contains(Path.GetExtension(f)));
            foreach (var sub in folders)
            {
                var name = Path.GetFileName(sub);
                if (ToolFolders.Contains(name) || (holdsProject && BuildOutputFolders.Contains(name)))
                {
                    continue;
                }

                // Directory links are not followed: one may lead out of the root (whose files the user did not name) or
                // back up into it (a loop, or every file twice); what lies inside the root is scanned by its own path.
                if (new DirectoryInfo(sub).LinkTarget is { } target)
                {
                    inputs.Skipped.Add((sub, $"a directory link (to {target}); not followed"));
                    continue;
                }

                pending.Push(sub);
            }
        }

        // A .cs file inside a project's folder belongs to that project; elsewhere, one with directives is a file-based app.
        // Any other (a loose .cs file, a .csx script) is compiled by nothing the tool analyses: its legacy names are named.
        foreach (var file in candidates)
        {
            var script = file.EndsWith(".csx", StringComparison.OrdinalIgnoreCase);
            if (!script && projectFolders.Any(p => file.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            // Read once: for its directives, and for its legacy names when it is not an app.
            var read = Output.TextFile.TryRead(file);
            if (!script && read.Text is { } text && FileBasedApp.HasDirectives(text))
            {
                Add(inputs.FileBasedApps, file, seen);
            }
            else if (LooseFile(read, script) is { } reason)
            {
                inputs.LooseFiles.Add((file, reason));
            }
        }

        inputs.Projects.Sort(StringComparer.Ordinal);
        inputs.Notebooks.Sort(StringComparer.Ordinal);
        inputs.FileBasedApps.Sort(StringComparer.Ordinal);
    }
}
