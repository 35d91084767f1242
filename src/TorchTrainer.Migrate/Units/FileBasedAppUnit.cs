using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.FileBasedApps;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;
using static TorchTrainer.Migrate.Units.FindingMapper;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// One file-based app (a .cs file with #: directives): analysed as an ad-hoc project under Debug (what
/// <c>dotnet run app.cs</c> builds) and Release (what <c>dotnet publish</c> builds), findings and fixes merged as a
/// project's configurations are (<see cref="VariantMerge"/>), fixed outside its directive lines.
/// </summary>
internal sealed class FileBasedAppUnit(UnitServices services, FileBasedApp app)
{
    public string Name => services.Display(app.File.Path);

    public async Task<UnitResult> RunAsync(CancellationToken ct)
    {
        var path = app.File.Path;
        var result = new UnitResultBuilder(Name);
        var (project, documentId, failure, warnings) = await app.CreateProjectAsync(services.Resolver, ct).ConfigureAwait(false);
        result.Warnings.AddRange(warnings.Select(w => $"{Name}: {w}"));
        if (failure is not null)
        {
            result.NotAnalysed.Add(new NotAnalysed(Name, failure));
            return result.Build("not analysed");
        }

        var parseOptions = (CSharpParseOptions)project.ParseOptions!;
        var variants = AppConfigurations.Of(app, PackageRestore.TargetFramework)
            .Select(c => new ProjectVariant(c.Label, project.WithParseOptions(parseOptions.WithPreprocessorSymbols(c.Symbols))))
            .ToList();
        var analysed = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
        var merge = new VariantMerge();
        var problems = new List<string>();
        foreach (var variant in variants)
        {
            var engineResult = await services.Engine.RunAsync(variant.Project, d => d.Id == documentId, ct).ConfigureAwait(false);
            problems.AddRange(engineResult.Problems);
            var fixedText = engineResult.Changed.TryGetValue(documentId, out var texts) ? texts.New : analysed;
            merge.AddFindings(MapFindings(engineResult.Initial, engineResult.Unfixed, analysed, fixedText, d => FromLineSpan(d, path), d => FromLineSpan(d, path)));
            if (texts.New is not null)
            {
                merge.AddRewrite(path, analysed, texts.New, variant.Label);
            }
        }

        foreach (var hit in await InactiveCode.FindAsync(variants, p => p == path, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed($"{Name}:{hit.Line}", InactiveCode.Reason(hit, variants)));
        }

        foreach (var hit in await UnboundNames.FindAsync([.. variants.Select(v => v.Project)], d => d.Id == documentId, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed($"{Name}:{hit.Line}", UnboundNames.Reason(hit)));
        }

        var outcomes = new List<(string, ChangeOutcome)>();
        foreach (var file in merge.Merged())
        {
            if (file.Conflict is { } conflict)
            {
                result.Errors.Add(VariantMerge.ConflictMessage(Name, conflict));
                outcomes.Add((path, ChangeOutcome.WriteFailed));
                continue;
            }

            var (text, rejected) = app.Apply(analysed, SourceText.From(file.Text!));
            if (rejected > 0)
            {
                result.Warnings.Add($"{Name}: {rejected} rewrite(s) would touch a #: directive line; not applied");
            }

            outcomes.Add((path, services.Commit(new FileChange(path, app.File.Text, text), result)));
        }

        return services.Record(result, merge.FixedPerRule(), problems.Distinct(), [.. merge.Findings], outcomes, 1);
    }
}
