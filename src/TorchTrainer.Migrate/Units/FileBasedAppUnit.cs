using TorchTrainer.Migrate.FileBasedApps;
using TorchTrainer.Migrate.Output;
using static TorchTrainer.Migrate.Units.FindingMapper;

namespace TorchTrainer.Migrate.Units;

/// <summary>One file-based app (a .cs file with #: directives): analysed as an ad-hoc project, fixed outside its directive lines.</summary>
internal sealed class FileBasedAppUnit(UnitServices services, FileBasedApp app)
{
    public string Name => services.Display(app.File.Path);

    public async Task<UnitResult> RunAsync(CancellationToken ct)
    {
        var result = new UnitResultBuilder(Name);
        var (project, documentId, failure, warnings) = await app.CreateProjectAsync(services.Resolver, ct).ConfigureAwait(false);
        result.Warnings.AddRange(warnings.Select(w => $"{Name}: {w}"));
        if (failure is not null)
        {
            result.NotAnalysed.Add(new NotAnalysed(Name, failure));
            return result.Build("not analysed");
        }

        var engineResult = await services.Engine.RunAsync(project, d => d.Id == documentId, ct).ConfigureAwait(false);
        var analysed = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
        var fixedText = engineResult.Changed.TryGetValue(documentId, out var texts) ? texts.New : analysed;
        var findings = MapFindings(engineResult.Initial, engineResult.Unfixed, analysed, fixedText,
            d => FromLineSpan(d, app.File.Path), d => FromLineSpan(d, app.File.Path)).ToList();
        foreach (var hit in await UnboundNames.FindAsync([project], d => d.Id == documentId, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed($"{Name}:{hit.Line}", UnboundNames.Reason(hit)));
        }

        var outcomes = new List<(string, ChangeOutcome)>();
        if (engineResult.Changed.Count > 0)
        {
            var (text, rejected) = app.Apply(analysed, fixedText);
            if (rejected > 0)
            {
                result.Warnings.Add($"{services.Display(app.File.Path)}: {rejected} rewrite(s) would touch a #: directive line; not applied");
            }

            outcomes.Add((app.File.Path, services.Commit(new FileChange(app.File.Path, app.File.Text, text), result)));
        }

        return services.Record(result, engineResult, findings, outcomes, 1);
    }
}
