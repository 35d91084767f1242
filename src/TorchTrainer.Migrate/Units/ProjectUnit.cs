using Microsoft.CodeAnalysis;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;
using static TorchTrainer.Migrate.Units.FindingMapper;

namespace TorchTrainer.Migrate.Units;

/// <summary>One MSBuild project loaded by MSBuildWorkspace: its documents (outside bin/obj) analysed and fixed.</summary>
internal sealed class ProjectUnit(UnitServices services, Solution solution, ProjectId projectId)
{
    public string Name
    {
        get
        {
            var project = solution.GetProject(projectId)!;
            return services.Display(project.FilePath ?? project.Name);
        }
    }

    /// <summary>
    /// The units of a loaded partition's C# projects that reference TorchTrainer; the others are decided here
    /// (skipped: they cannot hold a legacy use). TorchTrainer itself is left alone.
    /// </summary>
    public static (List<ProjectUnit> Units, List<UnitResult> Decided) Select(UnitServices services, MsBuildLoader.LoadedPartition loaded, Action<string> detail)
    {
        var units = new List<ProjectUnit>();
        var decided = new List<UnitResult>();
        var solution = loaded.Solution;
        foreach (var projectId in loaded.Requested)
        {
            var project = solution.GetProject(projectId)!;
            if (project.Language != LanguageNames.CSharp)
            {
                continue;
            }

            var name = services.Display(project.FilePath ?? project.Name);
            if (string.Equals(project.AssemblyName, "TorchTrainer", StringComparison.OrdinalIgnoreCase))
            {
                detail($"{name}: TorchTrainer itself, skipped");
                continue;
            }

            if (!MsBuildLoader.ReferencesTorchTrainer(project))
            {
                decided.Add(UnitResult.Skip(name, $"{name} ({project.Name}): does not reference TorchTrainer; skipped", "does not reference TorchTrainer"));
                continue;
            }

            units.Add(new ProjectUnit(services, solution, projectId));
        }

        return (units, decided);
    }

    public async Task<UnitResult> RunAsync(CancellationToken ct)
    {
        var project = solution.GetProject(projectId)!;
        var result = new UnitResultBuilder(Name);
        var engineResult = await services.Engine.RunAsync(project, d => d.FilePath is { } p && !UnitServices.IsBuildOutput(p) && services.Writer.TryClaim(p), ct).ConfigureAwait(false);
        var findings = new List<Finding>();
        foreach (var group in engineResult.Initial.GroupBy(f => f.DocumentId))
        {
            var document = project.GetDocument(group.Key)!;
            var path = document.FilePath!;
            var oldText = engineResult.Changed.TryGetValue(group.Key, out var texts) ? texts.Old : await document.GetTextAsync(ct).ConfigureAwait(false);
            var newText = texts.New ?? oldText;
            findings.AddRange(MapFindings(group, engineResult.Unfixed.Where(u => u.DocumentId == group.Key), oldText, newText,
                d => FromLineSpan(d, path), d => FromLineSpan(d, path)));
        }

        var outcomes = new List<(string, ChangeOutcome)>();
        foreach (var (documentId, (oldText, newText)) in engineResult.Changed)
        {
            var path = project.GetDocument(documentId)!.FilePath!;
            var original = oldText.ToString();
            var (text, _) = TextEdits.Apply(original, TextEdits.Changes(oldText, newText), [], TextFile.DetectNewLine(original));
            outcomes.Add((path, services.Commit(new FileChange(path, original, text), result)));
        }

        return services.Record(result, engineResult, findings, outcomes, project.Documents.Count());
    }
}
