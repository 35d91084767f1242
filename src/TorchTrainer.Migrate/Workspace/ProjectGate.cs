using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>What the gate decided for one project.</summary>
internal enum GateVerdict
{
    /// <summary>It references TorchTrainer (package, project or assembly, directly or transitively): load and analyse it.</summary>
    Load,

    /// <summary>Nothing in its restore closure is TorchTrainer: it cannot hold a legacy use.</summary>
    Skip,

    /// <summary>It is TorchTrainer itself.</summary>
    TorchTrainerItself,

    /// <summary>It could not be decided (evaluation or restore failed, or it was never restored): named, exit 2.</summary>
    NotAnalysed,
}

/// <summary>The compile inputs of one configuration and target framework, from MSBuild evaluation.</summary>
internal sealed record ConfigurationView(string Configuration, string TargetFramework, ImmutableArray<string> DefineConstants, ImmutableHashSet<string> CompileFiles)
{
    public string Label => $"{Configuration}|{TargetFramework}";
}

/// <summary>The gate's decision for one project, and (when it is loaded) its Release view per target framework.</summary>
internal sealed record GateDecision(string Path, GateVerdict Verdict, string Reason, ImmutableArray<ConfigurationView> Views);

/// <summary>
/// The fast gate: decides from MSBuild evaluation alone (no design-time build) which projects can hold TorchTrainer
/// code: the project's PackageReference, ProjectReference and Reference items, the ProjectReference closure, and
/// the restore output (project.assets.json, which lists every transitive package and project). Only the projects
/// it lets through are loaded into MSBuildWorkspace; evaluating a project costs a small fraction of its design-time
/// build. It runs in two steps around the restore: <see cref="Survey"/> before it (which also tells what needs
/// restoring at all), <see cref="Decide"/> after it.
/// </summary>
internal static class ProjectGate
{
    /// <summary>
    /// The configuration projects are evaluated under. The loaded design-time build is Debug (the default); Release
    /// is what evaluation adds, and evaluating the gate under it makes a single-targeted project's gate evaluation
    /// its Release view too: one evaluation a project.
    /// </summary>
    public const string EvaluatedConfiguration = "Release";

    /// <summary>
    /// The first look, before any restore: evaluates every project once and settles those whose verdict no restore
    /// can change. A project with no PackageReference in itself or its ProjectReference closure gets nothing from a
    /// restore that could bring TorchTrainer, so when none of them is or references TorchTrainer it is skipped
    /// without being restored; every other project is left to <see cref="Decide"/> after the restore. A reference
    /// this Release evaluation cannot see (one for another configuration or target framework, or one a target adds)
    /// counts as a package reference: such a project is restored and decided from the restore output.
    /// </summary>
    public static GateSurvey Survey(IReadOnlyList<string> projects, CancellationToken ct)
    {
        MsBuildLoader.EnsureMsBuildRegistered();
        return SurveyCore(projects, ct);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps MSBuild types out of the caller until registration ran
    private static GateSurvey SurveyCore(IReadOnlyList<string> projects, CancellationToken ct)
    {
        var evaluator = new GateEvaluator();
        var settled = new ConcurrentDictionary<string, GateDecision>(Output.ChangeWriter.PathComparer);
        var restore = new ConcurrentBag<string>();
        Parallel.ForEach(projects.Distinct(Output.ChangeWriter.PathComparer),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            path =>
            {
                if (SettleWithoutRestore(evaluator, path) is { } decision)
                {
                    settled[path] = decision;
                }
                else
                {
                    restore.Add(path);
                }
            });
        return new GateSurvey(new Dictionary<string, GateDecision>(settled, Output.ChangeWriter.PathComparer),
            [.. restore.Order(StringComparer.Ordinal)], evaluator);
    }

    private static GateDecision? SettleWithoutRestore(GateEvaluator evaluator, string path)
    {
        if (!File.Exists(path))
        {
            return new GateDecision(path, GateVerdict.NotAnalysed, "the project file does not exist", []);
        }

        try
        {
            var outer = evaluator.Evaluate(path, EvaluatedConfiguration, null);
            if (TorchTrainerAssembly.IsNamed(outer.GetPropertyValue("AssemblyName")))
            {
                return new GateDecision(path, GateVerdict.TorchTrainerItself, "TorchTrainer itself", []);
            }

            List<ProjectInstance> closure = [outer, .. evaluator.ReferencedProjects(outer, EvaluatedConfiguration)];
            if (Dangling(closure) is { } missing)
            {
                return new GateDecision(path, GateVerdict.NotAnalysed, missing, []);
            }

            var packages = closure.Any(p => p.GetItems("PackageReference").Count > 0 || evaluator.MayReferenceOtherwise(p));
            return packages || ThroughReferences(closure) is not null
                ? null
                : new GateDecision(path, GateVerdict.Skip,
                    "no PackageReference, and no TorchTrainer project or assembly reference, in it or its ProjectReference closure (decided before any restore: none is needed)", []);
        }
        catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
        {
            return null; // decided after the restore, which may be what the evaluation lacked, or names the failure
        }
    }

    /// <summary>
    /// Decides the projects the survey left open, after the restore (<paramref name="restore"/> is null under
    /// --no-restore), and returns every project's decision, the survey's settled ones included.
    /// </summary>
    public static IReadOnlyDictionary<string, GateDecision> Decide(GateSurvey survey, DotnetRestore.Outcome? restore, CancellationToken ct)
    {
        var evaluator = survey.AfterRestore();
        var decisions = new ConcurrentDictionary<string, GateDecision>(survey.Settled, Output.ChangeWriter.PathComparer);
        Parallel.ForEach(survey.NeedRestore,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            path => decisions[path] = DecideOne(evaluator, path, restore));
        return new Dictionary<string, GateDecision>(decisions, Output.ChangeWriter.PathComparer);
    }

    private static GateDecision DecideOne(GateEvaluator evaluator, string path, DotnetRestore.Outcome? restore)
    {
        GateDecision NotAnalysed(string reason) => new(path, GateVerdict.NotAnalysed, reason, []);

        if (restore?.Failure(path) is { } restoreFailure)
        {
            return NotAnalysed(restoreFailure);
        }

        ProjectInstance outer;
        try
        {
            outer = evaluator.Evaluate(path, EvaluatedConfiguration, null);
        }
        catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
        {
            return NotAnalysed($"MSBuild evaluation failed: {ex.Message.Trim()} ({EvaluationFix})");
        }

        if (TorchTrainerAssembly.IsNamed(outer.GetPropertyValue("AssemblyName")))
        {
            return new GateDecision(path, GateVerdict.TorchTrainerItself, "TorchTrainer itself", []);
        }

        Assets assets;
        try
        {
            assets = ReadAssets(RestoredConfiguration(evaluator, path, outer));
        }
        catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
        {
            return NotAnalysed($"MSBuild evaluation failed: {ex.Message.Trim()} ({EvaluationFix})");
        }

        if (assets.Error is { } assetsError)
        {
            return NotAnalysed(restore is null ? $"{assetsError} (run dotnet restore first, or drop --no-restore)" : assetsError);
        }

        string? via;
        try
        {
            List<ProjectInstance> closure = [outer, .. evaluator.ReferencedProjects(outer, EvaluatedConfiguration)];
            if (Dangling(closure) is { } missing)
            {
                return NotAnalysed(missing);
            }

            via = assets.TorchTrainer ?? ThroughReferences(closure);
            if (via is null)
            {
                // What a reference under another OS or a property of the user's compiles is not analysed here: named, never passed.
                return UntakenTorchTrainer(evaluator, closure) is { } untaken
                    ? NotAnalysed($"{untaken}, which no configuration or target framework analysed here takes: the code it compiles where it applies is not "
                        + "analysed. Check it where the reference applies, or leave it out of this check (name the other projects, or a solution filter, .slnf)")
                    : new GateDecision(path, GateVerdict.Skip, "no TorchTrainer package, project or assembly in its references or restore closure", []);
            }
        }
        catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
        {
            return NotAnalysed($"MSBuild evaluation of a referenced project failed: {ex.Message.Trim()} ({EvaluationFix})");
        }

        // The analyzers and fixes are C#: an F# or Visual Basic project that can use TorchTrainer is named, never passed.
        if (outer.GetPropertyValue("Language") is { Length: > 0 } language && language != "C#")
        {
            var kind = language switch { "F#" => "an F#", "VB" => "a Visual Basic", _ => $"a {language}" };
            return NotAnalysed($"{kind} project that references TorchTrainer ({via}): trainer-migrate and the TorchTrainer analyzers read C# only. "
                + "Migrate its legacy uses by hand (the TRN0001 and TRN0002 rule pages give each rewrite), then check the C# projects without it (name them, or a solution filter, .slnf, that leaves it out)");
        }

        var many = outer.GetPropertyValue("TargetFrameworks").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var views = ImmutableArray.CreateBuilder<ConfigurationView>();
        try
        {
            foreach (var framework in many.Length > 0 ? many.Distinct(StringComparer.OrdinalIgnoreCase) : [outer.GetPropertyValue("TargetFramework")])
            {
                var inner = many.Length > 0 ? evaluator.Evaluate(path, EvaluatedConfiguration, framework) : outer;
                views.Add(new ConfigurationView(EvaluatedConfiguration, framework,
                    [.. inner.GetPropertyValue("DefineConstants").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                    inner.GetItems("Compile").Select(i => Path.GetFullPath(Path.Combine(inner.Directory, i.EvaluatedInclude))).ToImmutableHashSet(Output.ChangeWriter.PathComparer)));
            }
        }
        catch (Exception ex) when (ex is Microsoft.Build.Exceptions.InvalidProjectFileException or IOException or UnauthorizedAccessException)
        {
            return NotAnalysed($"MSBuild evaluation failed: {ex.Message.Trim()} ({EvaluationFix})");
        }

        return new GateDecision(path, GateVerdict.Load, via, views.ToImmutable());
    }

    /// <summary>
    /// A ProjectReference in the closure to a file that does not exist (MSBuild only warns, MSB9008, and NuGet restores
    /// without it): what that project would bring, TorchTrainer included, cannot be known, so the project is not
    /// analysed rather than passed.
    /// </summary>
    private static string? Dangling(IReadOnlyList<ProjectInstance> closure)
    {
        foreach (var project in closure)
        {
            foreach (var reference in project.GetItems("ProjectReference"))
            {
                var target = Path.GetFullPath(Path.Combine(project.Directory, reference.EvaluatedInclude));
                if (!File.Exists(target))
                {
                    return $"{Whose(project, closure)} ProjectReference {reference.EvaluatedInclude} does not exist "
                        + $"({target}): what it would bring cannot be known (fix the reference, or check that project out, and run again)";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A reference in the closure's own files (the project first) that no analysed configuration or target framework
    /// takes (<see cref="UnseenReferences.Untaken"/>) and that brings TorchTrainer: one that names it, or a
    /// ProjectReference to a project that reaches it (by its references or its restore output). Null when there is none.
    /// </summary>
    private static string? UntakenTorchTrainer(GateEvaluator evaluator, IReadOnlyList<ProjectInstance> closure)
    {
        foreach (var project in closure)
        {
            var whose = Whose(project, closure);
            foreach (var (itemType, include, where) in evaluator.UntakenReferences(project))
            {
                if (UnseenReferences.NamesTorchTrainer(itemType, include))
                {
                    return $"{whose} {where}";
                }

                var target = Path.GetFullPath(Path.Combine(project.Directory, include.Replace('\\', Path.DirectorySeparatorChar)));
                if (itemType != "ProjectReference" || !File.Exists(target))
                {
                    continue;
                }

                var referenced = evaluator.Evaluate(target, EvaluatedConfiguration, null);
                List<ProjectInstance> reach = [referenced, .. evaluator.ReferencedProjects(referenced, EvaluatedConfiguration)];
                var via = TorchTrainerAssembly.IsNamed(referenced.GetPropertyValue("AssemblyName")) ? "it is TorchTrainer"
                    : ReadAssets(referenced).TorchTrainer ?? ThroughReferences(reach);
                if (via is not null)
                {
                    return $"{whose} {where} (a project that references TorchTrainer: {via})";
                }
            }
        }

        return null;
    }

    /// <summary>How a message names a project of the closure: "its" for the project decided, else the project file's name.</summary>
    private static string Whose(ProjectInstance project, IReadOnlyList<ProjectInstance> closure) =>
        project == closure[0] ? "its" : $"{Path.GetFileName(project.FullPath)}'s";

    /// <summary>
    /// How the closure (the project first) reaches TorchTrainer without the restore output: its own PackageReference or
    /// Reference, or a referenced project that is TorchTrainer or references it so; null when it does not.
    /// </summary>
    private static string? ThroughReferences(IReadOnlyList<ProjectInstance> closure) =>
        DirectReference(closure[0]) ?? closure.Skip(1)
            .Where(p => TorchTrainerAssembly.IsNamed(p.GetPropertyValue("AssemblyName")) || DirectReference(p) is not null)
            .Select(p => $"ProjectReference {Path.GetFileName(p.FullPath)}")
            .FirstOrDefault();

    /// <summary>A PackageReference named TorchTrainer, or a Reference to TorchTrainer (by name, or a path or HintPath to its file).</summary>
    private static string? DirectReference(ProjectInstance project)
    {
        if (project.GetItems("PackageReference").Any(i => TorchTrainerAssembly.IsNamed(i.EvaluatedInclude)))
        {
            return "PackageReference TorchTrainer";
        }

        return project.GetItems("Reference").Any(i => TorchTrainerAssembly.IsNamed(i.EvaluatedInclude.Split(',')[0].Trim())
            || ReferencedFiles(project, i).Any(TorchTrainerAssembly.IsFile))
            ? "Reference TorchTrainer"
            : null;
    }

    /// <summary>The assembly files a Reference item names: its Include as a path ("../libs/TorchTrainer.dll"), its HintPath.</summary>
    private static IEnumerable<string> ReferencedFiles(ProjectInstance project, ProjectItemInstance reference) =>
        new[] { reference.EvaluatedInclude.Trim(), reference.GetMetadataValue("HintPath") }
            .Where(file => file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".exe", StringComparison.OrdinalIgnoreCase))
            .Select(file => Path.GetFullPath(Path.Combine(project.Directory, file.Replace('\\', Path.DirectorySeparatorChar))));

    /// <summary>What a user can do about a project this machine's MSBuild cannot evaluate (a .vcxproj on Linux, a missing SDK).</summary>
    private const string EvaluationFix = "fix what MSBuild reports, or check the other projects without it: name them, or a solution filter (.slnf) that leaves it out";


    private sealed record Assets(string? TorchTrainer, string? Error);

    /// <summary>
    /// Reads the restore output: an SDK project without it was never restored; its "logs" hold the restore's errors;
    /// its "libraries" name every package and project in the closure, transitive ones included.
    /// </summary>
    /// <summary>
    /// The evaluation whose assets file a restore without a configuration (ours, or the user's <c>dotnet restore</c>)
    /// writes: the project's default configuration, whose intermediate folder may name the configuration
    /// (TorchSharp's <c>bin/obj/AnyCPU.Debug/</c>), so that Release's assets file is missing or stale. Where both name
    /// the same file (an obj folder for every configuration), the Release evaluation is that one. Only a Release assets
    /// path that names the configuration costs a second evaluation (250 more took 1.8 s on the benchmark).
    /// </summary>
    private static ProjectInstance RestoredConfiguration(GateEvaluator evaluator, string path, ProjectInstance release)
    {
        if (!AssetsPath(release).Contains(EvaluatedConfiguration, StringComparison.OrdinalIgnoreCase))
        {
            return release;
        }

        var restored = evaluator.Evaluate(path, null, null);
        return string.Equals(AssetsPath(restored), AssetsPath(release), StringComparison.Ordinal) ? release : restored;
    }

    private static string AssetsPath(ProjectInstance project)
    {
        var path = project.GetPropertyValue("ProjectAssetsFile");
        if (path.Length == 0)
        {
            path = Path.Combine(project.GetPropertyValue("MSBuildProjectExtensionsPath"), "project.assets.json");
        }

        return Path.GetFullPath(Path.Combine(project.Directory, path));
    }

    private static Assets ReadAssets(ProjectInstance project)
    {
        var path = AssetsPath(project);
        var usesRestore = string.Equals(project.GetPropertyValue("UsingMicrosoftNETSdk"), "true", StringComparison.OrdinalIgnoreCase)
            || project.GetItems("PackageReference").Count > 0;
        if (!File.Exists(path))
        {
            return usesRestore ? new Assets(null, $"not restored: {path} does not exist") : new Assets(null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (AssetsFile.ErrorLogs(root) is { Count: > 0 } errors)
            {
                return new Assets(null, $"restore failed: {string.Join("; ", errors)}");
            }

            if (root.TryGetProperty("libraries", out var libraries) && libraries.ValueKind == JsonValueKind.Object)
            {
                foreach (var library in libraries.EnumerateObject())
                {
                    if (TorchTrainerAssembly.IsNamed(library.Name.Split('/')[0]))
                    {
                        var type = library.Value.TryGetProperty("type", out var t) ? t.GetString() : "package";
                        return new Assets($"{library.Name} ({type}) in {System.IO.Path.GetFileName(path)}", null);
                    }
                }
            }

            return new Assets(null, null);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return new Assets(null, $"the restore output {path} cannot be read: {ex.Message} (run dotnet restore)");
        }
    }
}
