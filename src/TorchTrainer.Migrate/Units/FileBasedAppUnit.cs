using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.FileBasedApps;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

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
        var (project, documentId, included, failure, warnings) = await app.CreateProjectAsync(services.Resolver, ct).ConfigureAwait(false);
        result.Warnings.AddRange(warnings.Select(w => $"{Name}: {w}"));
        if (failure is not null)
        {
            result.NotAnalysed.Add(new NotAnalysed(Name, failure));
            return result.Build("not analysed");
        }

        // The files the app includes (#:include) are compiled with it, and analysed and fixed as its own unless another
        // app that includes them too took them first.
        var mine = included.Where(i => services.Writer.TryClaim(i.File.Path)).ToDictionary(i => i.Id, i => i.File);
        var paths = mine.Values.Select(f => f.Path).Append(path).ToHashSet(ChangeWriter.PathComparer);
        bool Analysed(Microsoft.CodeAnalysis.Document d) => d.Id == documentId || mine.ContainsKey(d.Id);

        var parseOptions = (CSharpParseOptions)project.ParseOptions!;
        var variants = AppConfigurations.Of(app, PackageRestore.TargetFramework)
            .Select(c => new ProjectVariant(c.Label, project.WithParseOptions(parseOptions.WithPreprocessorSymbols(c.Symbols))))
            .ToList();
        var analysed = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
        var merge = new VariantMerge();
        var problems = new List<string>();
        foreach (var variant in variants)
        {
            var engineResult = await services.Engine.RunAsync(variant.Project, Analysed, ct).ConfigureAwait(false);
            problems.AddRange(engineResult.Problems);
            await merge.AddAsync(variant.Project, engineResult, variant.Label, ct).ConfigureAwait(false);
        }

        foreach (var hit in await InactiveCode.FindAsync(variants, paths.Contains, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed($"{services.Display(hit.Path)}:{hit.Line}", InactiveCode.Reason(hit, variants)));
        }

        result.NotAnalysed.AddRange(await services.NotAnalysedInCompiledCodeAsync([.. variants.Select(v => v.Project)], Analysed, ct).ConfigureAwait(false));

        var outcomes = new List<(string, ChangeOutcome)>();
        foreach (var file in merge.Merged())
        {
            var shown = services.Display(file.Path);
            if (file.Conflict is { } conflict)
            {
                result.Errors.Add(VariantMerge.ConflictMessage(shown, conflict));
                outcomes.Add((file.Path, ChangeOutcome.WriteFailed));
                continue;
            }

            if (!ChangeWriter.PathComparer.Equals(file.Path, path))
            {
                var original = mine.Values.First(f => ChangeWriter.PathComparer.Equals(f.Path, file.Path));
                outcomes.Add((file.Path, services.Commit(new FileChange(file.Path, original.Text, file.Text!), result)));
                continue;
            }

            var (text, rejected) = app.Apply(analysed, SourceText.From(file.Text!));
            if (rejected > 0)
            {
                result.Warnings.Add($"{Name}: {rejected} rewrite(s) would touch a #: directive line; not applied");
            }

            outcomes.Add((path, services.Commit(new FileChange(path, app.File.Text, text), result)));
        }

        return services.Record(result, merge.FixedPerRule(), problems.Distinct(), [.. merge.Findings], outcomes, paths.Count);
    }
}
