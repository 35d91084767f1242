using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Discovery;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// Finds legacy names in the C# files of a project's folder that none of its analysed configurations and target
/// frameworks compiles: Windows code removed from Compile on other systems, a file compiled only when a property of the
/// user's is set, one excluded for good. Where such a file is compiled, its legacy uses would pass the gate unseen, so
/// each is named. A nested project's folder, the build output and tools' folders hold no file of the project; a file
/// any project of the same workspace compiles (a link) is analysed there.
/// </summary>
internal static class UncompiledFiles
{
    /// <summary>A legacy name (1-based line) in a file no configuration compiles; or the file cannot be read (<see cref="Error"/>).</summary>
    internal sealed record Hit(string Path, int Line, string Name, string? Error = null);

    private static readonly string[] ProjectFilePatterns = ["*.csproj", "*.fsproj", "*.vbproj"];

    public static IReadOnlyList<Hit> Find(IReadOnlyList<Project> loaded, IEnumerable<string> alsoCompiled)
    {
        if (loaded[0].FilePath is not { } projectFile)
        {
            return [];
        }

        var compiled = loaded[0].Solution.Projects.SelectMany(p => p.Documents).Select(d => d.FilePath).OfType<string>()
            .Concat(alsoCompiled).ToHashSet(ChangeWriter.PathComparer);
        var hits = new List<Hit>();
        foreach (var file in CSharpFiles(Path.GetDirectoryName(projectFile)!, loaded[0]).Where(f => !compiled.Contains(f)).Order(StringComparer.Ordinal))
        {
            var (text, error) = TextFile.TryRead(file);
            if (text is null)
            {
                hits.Add(new Hit(file, 0, "", error));
                continue;
            }

            hits.AddRange(LegacyNames.In(SourceText.From(text)).Select(n => new Hit(file, n.Line, n.Name)));
        }

        return hits;
    }

    public static string Reason(Hit hit) => hit.Error is { } error
        ? $"a C# file in the project's folder that none of its analysed configurations compiles cannot be read ({error}): whether it holds a legacy use cannot be told"
        : $"'{hit.Name}' in a C# file in the project's folder that none of its analysed configurations and target frameworks compiles (removed from "
          + "Compile, or compiled only under a condition this run does not meet, such as another OS): migrate it by hand (the TRN0001 and TRN0002 rule "
          + "pages give each rewrite), or check it where it is compiled";

    /// <summary>The .cs files under the project's folder, its build output, tools' folders, nested projects' folders and directory links left out.</summary>
    private static IEnumerable<string> CSharpFiles(string folder, Project project)
    {
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            string[] files, folders;
            try
            {
                files = Directory.GetFiles(current, "*.cs");
                folders = Directory.GetDirectories(current);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var file in files.Where(f => !UnitServices.IsBuildOutput(f, project)))
            {
                yield return file;
            }

            foreach (var sub in folders)
            {
                if (InputResolver.ToolFolders.Contains(Path.GetFileName(sub)) || new DirectoryInfo(sub).LinkTarget is not null
                    || ProjectFilePatterns.Any(pattern => Directory.EnumerateFiles(sub, pattern).Any()))
                {
                    continue;
                }

                pending.Push(sub);
            }
        }
    }
}
