using Microsoft.CodeAnalysis;
using TorchTrainer.Migrate.Cli;
using TorchTrainer.Migrate.Fixing;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// What every unit shares for one run: the options, the fix engine, the writer (which claims each file once) and the
/// package resolver; and the two steps every unit ends with: committing a change and recording the outcome.
/// </summary>
internal sealed class UnitServices(MigrateOptions options, FixEngine engine, ChangeWriter writer, ReferenceResolver resolver)
{
    public MigrateOptions Options { get; } = options;
    public FixEngine Engine { get; } = engine;
    public ChangeWriter Writer { get; } = writer;
    public ReferenceResolver Resolver { get; } = resolver;

    /// <summary>A path as shown to the user: relative to the current folder when inside it.</summary>
    public string Display(string path) => DisplayPath.Relative(Options.CurrentDirectory, path);

    /// <summary>
    /// What the gate's semantic scans name as not analysed in the files <paramref name="include"/> takes of a project's
    /// or an app's configurations, each at "FILE:LINE": a legacy name that does not bind or is read through dynamic
    /// (UnboundNames), a keyed read whose run-time key can be a legacy key (RuntimeKeys), a legacy member looked up by
    /// name (ReflectedNames).
    /// </summary>
    public async Task<IReadOnlyList<NotAnalysed>> NotAnalysedInCompiledCodeAsync(IReadOnlyList<Project> configurations, Func<Document, bool> include, CancellationToken ct)
    {
        string Place(string path, int line) => $"{Display(path)}:{line}";
        return
        [
            .. (await UnboundNames.FindAsync(configurations, include, ct).ConfigureAwait(false))
                .Select(hit => new NotAnalysed(Place(hit.Path, hit.Line), UnboundNames.Reason(hit))),
            .. (await RuntimeKeys.FindAsync(configurations, include, ct).ConfigureAwait(false))
                .Select(hit => new NotAnalysed(Place(hit.Path, hit.Line), RuntimeKeys.Reason(hit, RuntimeKeys.SetAt(hit, Display)))),
            .. (await ReflectedNames.FindAsync(configurations, include, ct).ConfigureAwait(false))
                .Select(hit => new NotAnalysed(Place(hit.Path, hit.Line), ReflectedNames.Reason(hit))),
        ];
    }

    /// <summary>Writes (or, with --check / --dry-run, only diffs) one change and records what happened to it.</summary>
    public ChangeOutcome Commit(FileChange change, UnitResultBuilder result)
    {
        var (outcome, message) = Writer.Commit(change);
        switch (outcome)
        {
            case ChangeOutcome.Written or ChangeOutcome.WouldWrite:
                result.ChangedFiles.Add(change.Path);
                if (Options.DryRun)
                {
                    result.Diffs.Add((change.Path, UnifiedDiff.Create(Display(change.Path), change.OriginalText, change.NewText)));
                }

                break;
            default:
                result.Errors.Add(message!);
                break;
        }

        return outcome;
    }

    /// <summary>Settles each finding's status from what happened to its file, and freezes the unit's result.</summary>
    public UnitResult Record(UnitResultBuilder result, EngineResult engine, List<Finding> findings,
        List<(string Path, ChangeOutcome Outcome)> outcomes, int files) =>
        Record(result, engine.FixedPerRule, engine.Problems, findings, outcomes, files);

    /// <summary>Settles each finding's status from what happened to its file, and freezes the unit's result.</summary>
    public UnitResult Record(UnitResultBuilder result, IReadOnlyDictionary<string, int> fixedPerRule, IEnumerable<string> problems,
        List<Finding> findings, List<(string Path, ChangeOutcome Outcome)> outcomes, int files)
    {
        var written = outcomes.Where(o => o.Outcome == ChangeOutcome.Written).Select(o => o.Path).ToHashSet(ChangeWriter.PathComparer);
        var notWritten = outcomes.Where(o => o.Outcome is not (ChangeOutcome.Written or ChangeOutcome.WouldWrite)).Select(o => o.Path).ToHashSet(ChangeWriter.PathComparer);
        var final = findings.Select(f => f.Status != FindingStatus.Fixable ? f
            : written.Contains(f.Path) ? f with { Status = FindingStatus.Fixed }
            : notWritten.Contains(f.Path) ? f with { Status = FindingStatus.Unfixable, Reason = "the file was not written" }
            : f).ToList();
        result.Findings.AddRange(final);
        result.FilesAnalysed += files;
        result.Complete = true;
        result.Warnings.AddRange(problems);
        if (notWritten.Count == 0)
        {
            foreach (var (id, count) in fixedPerRule)
            {
                result.FixedPerRule[id] = result.FixedPerRule.GetValueOrDefault(id) + count;
            }
        }

        // Counted from the findings' final status, as the summary counts them: a use whose file was not written is not fixed.
        var fixedCount = final.Count(f => f.Status != FindingStatus.Unfixable);
        var notAnalysed = result.NotAnalysed.Count > 0 ? $"{result.NotAnalysed.Count} place(s) not analysed" : null;
        return result.Build(final.Count == 0 ? notAnalysed ?? "nothing to migrate"
            : $"{final.Count} legacy use(s), {fixedCount} {(Options.Writes ? "fixed" : "fixable")}{(notWritten.Count > 0 ? ", file(s) not written" : "")}"
              + (notAnalysed is null ? "" : $", {notAnalysed}"));
    }

    /// <summary>
    /// True for a path among <paramref name="project"/>'s build output (generated code is never rewritten): under the
    /// project folder's obj or bin (the SDK's default intermediate and output folders), or under the folder its
    /// compiler output or its assembly goes to (a custom or artifacts layout). Only folders of the project count: a
    /// checkout that sits under a folder named bin (~/bin/repo) is source all the same.
    /// </summary>
    public static bool IsBuildOutput(string path, Project project)
    {
        var projectFolder = project.FilePath is { } file ? Path.GetDirectoryName(file)! : null;
        if (projectFolder is not null
            && Path.GetRelativePath(projectFolder, path).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0] is var first
            && (ChangeWriter.PathComparer.Equals(first, "obj") || ChangeWriter.PathComparer.Equals(first, "bin")))
        {
            return true;
        }

        // An output folder that holds the project itself (<OutputPath>.</OutputPath>) says nothing about its files.
        return new[] { project.CompilationOutputInfo.AssemblyPath, project.OutputFilePath }
            .Select(output => output is null ? null : Path.TrimEndingDirectorySeparator(Path.GetDirectoryName(output)!) + Path.DirectorySeparatorChar)
            .Any(folder => folder is not null && StartsWith(path, folder) && (projectFolder is null || !StartsWith(projectFolder + Path.DirectorySeparatorChar, folder)));
    }

    private static bool StartsWith(string path, string folder) =>
        path.StartsWith(folder, OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
