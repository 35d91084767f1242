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
    /// <summary>
    /// The legacy names in the C# files of the project's folder that neither the loaded projects of its workspace nor
    /// <paramref name="alsoCompiled"/> (the Compile items of its other configurations, from evaluation) compile; a file
    /// that cannot be read is named whole.
    /// </summary>
    public static IReadOnlyList<LegacyNames.Unseen> Find(IReadOnlyList<Project> loaded, IEnumerable<string> alsoCompiled)
    {
        if (loaded[0].FilePath is not { } projectFile)
        {
            return [];
        }

        var compiled = loaded[0].Solution.Projects.SelectMany(p => p.Documents).Select(d => d.FilePath).OfType<string>()
            .Concat(alsoCompiled).ToHashSet(ChangeWriter.PathComparer);
        var hits = new List<LegacyNames.Unseen>();
        foreach (var file in CSharpFiles(Path.GetDirectoryName(projectFile)!, loaded[0]).Where(f => !compiled.Contains(f)).Order(StringComparer.Ordinal))
        {
            var (text, error) = TextFile.TryRead(file);
            if (text is null)
            {
                hits.Add(new LegacyNames.Unseen(file, 0,
                    $"a C# file in the project's folder that none of its analysed configurations compiles cannot be read ({error}): whether it holds a legacy use cannot be told"));
                continue;
            }

            hits.AddRange(LegacyNames.UnseenIn(file, SourceText.From(text), Reason));
        }

        return hits;
    }

    private static string Reason(string name) =>
        $"'{name}' in a C# file in the project's folder that none of its analysed configurations and target frameworks compiles (removed from "
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
                    || Directory.EnumerateFiles(sub).Any(f => InputResolver.ProjectExtensions.Contains(Path.GetExtension(f))))
                {
                    continue;
                }

                pending.Push(sub);
            }
        }
    }
}
