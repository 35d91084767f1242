using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// One MSBuild project: its documents (outside bin/obj) analysed and fixed under every configuration and target
/// framework (<see cref="ProjectVariants"/>), in a fixed order. The findings of all of them are merged, and the
/// union of their fixes is applied once per file; two configurations rewriting the same code differently is a
/// conflict, reported and not written. The verdict does not depend on which configuration finishes first.
/// </summary>
internal sealed class ProjectUnit(UnitServices services, IReadOnlyList<Project> loaded, string configuration, ImmutableArray<ConfigurationView> views)
{
    public string Name => services.Display(loaded[0].FilePath ?? loaded[0].Name);

    /// <summary>
    /// The units of a loaded partition's C# projects (all target frameworks of a project in one unit) that reference
    /// TorchTrainer; the others are decided here (skipped: they cannot hold a legacy use). TorchTrainer itself is left alone.
    /// A project the gate found referencing TorchTrainer (its Release evaluation does) whose default (Debug) design-time
    /// build does not is neither: it is returned in ReleaseOnly, to be restored and loaded under Release, since passing it
    /// would pass the code only a Release build compiles against TorchTrainer. Loaded under Release and still without
    /// TorchTrainer, it is skipped after a restore; without one (--no-restore), it is not analysed.
    /// </summary>
    public static (List<ProjectUnit> Units, List<UnitResult> Decided, List<string> ReleaseOnly) Select(UnitServices services, MsBuildLoader.LoadedPartition loaded,
        IReadOnlyDictionary<string, GateDecision> decisions, bool restored, Action<string> detail)
    {
        var units = new List<ProjectUnit>();
        var decided = new List<UnitResult>();
        var releaseOnly = new List<string>();
        var projects = loaded.Requested.Select(loaded.Solution.GetProject).OfType<Project>()
            .Where(p => p.Language == LanguageNames.CSharp)
            .GroupBy(p => Path.GetFullPath(p.FilePath!), ChangeWriter.PathComparer);
        foreach (var group in projects)
        {
            var name = services.Display(group.Key);
            if (group.Any(p => TorchTrainerAssembly.IsNamed(p.AssemblyName)))
            {
                detail($"{name}: TorchTrainer itself, skipped");
                continue;
            }

            var decision = decisions.GetValueOrDefault(group.Key);
            if (!group.Any(MsBuildLoader.ReferencesTorchTrainer))
            {
                var gateLoads = decision?.Verdict == GateVerdict.Load;
                if (gateLoads && loaded.Configuration == MsBuildLoader.DefaultConfiguration)
                {
                    detail($"{name}: its {loaded.Configuration} design-time build does not reference TorchTrainer, its {ProjectGate.EvaluatedConfiguration} evaluation does "
                        + $"({decision!.Reason}): loading it under {ProjectGate.EvaluatedConfiguration}");
                    releaseOnly.Add(group.Key);
                }
                else if (gateLoads && !restored)
                {
                    decided.Add(UnitResult.Failed(name, $"it references TorchTrainer only under {loaded.Configuration} ({decision!.Reason}), and its restore output "
                        + $"does not (it was restored for another configuration): restore it with dotnet restore -p:Configuration={loaded.Configuration}, or drop --no-restore"));
                }
                else
                {
                    var which = gateLoads ? $"neither its {MsBuildLoader.DefaultConfiguration} nor its {loaded.Configuration} design-time build compiles against TorchTrainer" : "does not reference TorchTrainer";
                    decided.Add(UnitResult.Skip(name, $"{name} ({Path.GetFileNameWithoutExtension(group.Key)}): {which}; skipped", "does not reference TorchTrainer"));
                }

                continue;
            }

            units.Add(new ProjectUnit(services, [.. group], loaded.Configuration, decision?.Views ?? []));
        }

        return (units, decided, releaseOnly);
    }

    public async Task<UnitResult> RunAsync(CancellationToken ct)
    {
        var result = new UnitResultBuilder(Name);

        // This unit's files: claimed once for the run, before any configuration runs (a file linked into two projects
        // is analysed by one of them).
        var mine = new HashSet<string>(ChangeWriter.PathComparer);
        var sources = loaded.SelectMany(p => p.Documents.Select(d => d.FilePath).OfType<string>().Where(path => !UnitServices.IsBuildOutput(path, p)));
        foreach (var path in sources.Distinct(ChangeWriter.PathComparer).Order(StringComparer.Ordinal))
        {
            if (services.Writer.TryClaim(path))
            {
                mine.Add(path);
            }
        }

        var variants = await ProjectVariants.CreateAsync(loaded, configuration, views, mine.Contains, ct).ConfigureAwait(false);
        var merge = new VariantMerge();
        var problems = new List<string>();
        foreach (var variant in variants)
        {
            var engineResult = await services.Engine.RunAsync(variant.Project, d => d.FilePath is { } p && mine.Contains(p), ct).ConfigureAwait(false);
            problems.AddRange(engineResult.Problems);
            await merge.AddAsync(variant.Project, engineResult, variant.Label, ct).ConfigureAwait(false);
        }

        var outcomes = new List<(string, ChangeOutcome)>();
        foreach (var file in merge.Merged())
        {
            if (file.Conflict is { } conflict)
            {
                result.Errors.Add(VariantMerge.ConflictMessage(services.Display(file.Path), conflict));
                outcomes.Add((file.Path, ChangeOutcome.WriteFailed));
                continue;
            }

            outcomes.Add((file.Path, services.Commit(new FileChange(file.Path, file.Original, file.Text!), result)));
        }

        foreach (var hit in await InactiveCode.FindAsync(variants, mine.Contains, ct).ConfigureAwait(false))
        {
            result.NotAnalysed.Add(new NotAnalysed($"{services.Display(hit.Path)}:{hit.Line}", InactiveCode.Reason(hit, variants)));
        }

        result.NotAnalysed.AddRange(await services.NotAnalysedInCompiledCodeAsync([.. variants.Select(v => v.Project)], d => d.FilePath is { } p && mine.Contains(p), ct).ConfigureAwait(false));

        // Legacy names in code the analyzers cannot see: Razor markup, generated-looking sources, files no configuration compiles.
        IEnumerable<LegacyNames.Unseen> unseen =
        [
            .. await RazorMarkup.FindAsync(loaded, services.Writer.TryClaim, ct).ConfigureAwait(false),
            .. await GeneratedSources.FindAsync(variants.Select(v => v.Project), mine.Contains, ct).ConfigureAwait(false),
            .. UncompiledFiles.Find(loaded, views.SelectMany(v => v.CompileFiles)),
        ];
        foreach (var place in unseen)
        {
            result.NotAnalysed.Add(new NotAnalysed(place.Line > 0 ? $"{services.Display(place.Path)}:{place.Line}" : services.Display(place.Path), place.Reason));
        }

        var files = variants.SelectMany(v => v.Project.Documents).Select(d => d.FilePath).OfType<string>().Where(mine.Contains).Distinct(ChangeWriter.PathComparer).Count();
        var verdict = services.Record(result, merge.FixedPerRule(), problems.Distinct(), [.. merge.Findings], outcomes, files);
        return verdict with { Verdict = $"{verdict.Verdict} ({variants.Count} configuration(s))" };
    }
}
