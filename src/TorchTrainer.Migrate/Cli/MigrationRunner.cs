using System.Collections.Concurrent;
using System.Diagnostics;
using TorchTrainer.Migrate.Discovery;
using TorchTrainer.Migrate.Fixing;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Units;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Cli;

/// <summary>
/// One run of the tool. It only schedules: it resolves the inputs into units (one per project, file-based app and
/// notebook), runs them in parallel, builds the <see cref="RunReport"/> from their immutable results, writes the
/// report file and hands the report to <see cref="ConsoleSummary"/>.
/// </summary>
internal sealed class MigrationRunner(MigrateOptions options, AnalyzerSet analyzers, TextWriter output, TextWriter error)
{
    private readonly ConsoleProgress _progress = new(error, options.Verbosity);
    private readonly ConcurrentQueue<UnitResult> _results = new();
    private readonly ConcurrentQueue<string> _loadErrors = new();
    private readonly ConcurrentQueue<string> _loadWarnings = new();
    private long _loadTicks;
    private int _partitionsLoaded;

    /// <summary>A unit of work: its name (for a failure) and how to run it.</summary>
    private sealed record Unit(string Name, Func<CancellationToken, Task<UnitResult>> Run);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var inputs = InputResolver.Resolve(options.Paths, options.CurrentDirectory);
        if (inputs.Errors.Count > 0)
        {
            return Fail(inputs.Errors);
        }

        var (ids, ruleError) = RuleSelection.Select(options.Diagnostics, analyzers);
        if (ruleError is not null)
        {
            return Fail([ruleError]);
        }

        var read = InputReader.Read(inputs, Display);
        if (read.Errors.Count > 0)
        {
            return Fail(read.Errors);
        }

        var services = new UnitServices(options, new FixEngine(analyzers, ids, options.MaxPasses, options.Idiomatic), new ChangeWriter(inputs.Roots, options.Writes),
            new ReferenceResolver(m => _progress.Write(m, Verbosity.Normal)));
        _progress.Write($"trainer-migrate: {options.Mode}, rules {string.Join(", ", ids)}, analyzers from {analyzers.Source}", Verbosity.Detailed);

        var units = new List<Unit>();
        units.AddRange(read.Apps.Select(a => new FileBasedAppUnit(services, a)).Select(u => new Unit(u.Name, u.RunAsync)));
        units.AddRange(read.Notebooks.Select(n => new NotebookUnit(services, n)).Select(u => new Unit(u.Name, u.RunAsync)));

        // MSBuild inputs: restored, decided by evaluation, and only those that can hold TorchTrainer code loaded, in
        // partitions side by side, each processed and released before the next is taken.
        var scratch = Directory.CreateTempSubdirectory("trainer-migrate-");
        // What the inputs' projects compile: a linked loose file is analysed there (as one a file-based app includes is
        // by the app, which claims it).
        IReadOnlySet<string> compiled = new HashSet<string>();
        try
        {
            var partitions = new List<MsBuildLoader.Partition>();
            IReadOnlyDictionary<string, GateDecision> decisions = new Dictionary<string, GateDecision>();
            if (inputs.Solutions.Count > 0 || inputs.Projects.Count > 0)
            {
                var prepared = await MsBuildInputs.PrepareAsync(inputs.Solutions, inputs.Projects, !options.NoRestore, options.PartitionSize,
                    scratch.FullName, Display, m => _progress.Write(m, Verbosity.Normal), m => _progress.Write(m, Verbosity.Detailed), ct).ConfigureAwait(false);
                foreach (var failure in prepared.Failures)
                {
                    _loadErrors.Enqueue($"load failure: {failure}");
                }

                foreach (var result in prepared.Decided)
                {
                    _results.Enqueue(result);
                }

                partitions.AddRange(prepared.Partitions);
                decisions = prepared.Decisions;
                compiled = prepared.CompileFiles;
            }

            _progress.AddUnits(units.Count);
            await Task.WhenAll(RunUnitsAsync(units, ct), RunPartitionsAsync(services, partitions, decisions, scratch.FullName, ct)).ConfigureAwait(false);
            if (_loadTicks > 0)
            {
                _progress.Write($"MSBuild loads: {TimeSpan.FromTicks(_loadTicks).TotalSeconds:0.0} s in total over {_partitionsLoaded} partition(s)", Verbosity.Detailed);
            }
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A scratch folder left in the temp folder is harmless; the run's outcome does not depend on it.
            }
        }

        var report = RunReport.From(_results, _loadErrors, _loadWarnings.Concat(inputs.Skipped.Select(s => $"{Display(s.Path)}: {s.Reason}")),
            inputs.NotAnalysed.Concat(inputs.LooseFiles.Where(f => !compiled.Contains(f.Path) && !services.Writer.IsClaimed(f.Path)))
                .Select(n => new NotAnalysed(Display(n.Path), n.Reason)));
        if (options.DryRun)
        {
            foreach (var (_, diff) in report.Diffs)
            {
                await output.WriteAsync(diff).ConfigureAwait(false);
            }
        }

        if (options.ReportPath is { } reportPath)
        {
            try
            {
                ReportWriter.Write(Path.GetFullPath(Path.Combine(options.CurrentDirectory, reportPath)), report, analyzers.Descriptors, options.Mode);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                report = report.WithError($"{reportPath}: the report cannot be written: {ex.Message}");
            }
        }

        await new ConsoleSummary(options, analyzers.Descriptors, output, error).PrintAsync(report, stopwatch.Elapsed).ConfigureAwait(false);
        if (!report.Errors.IsEmpty || !report.NotAnalysed.IsEmpty)
        {
            return MigrateCommand.BadInput;
        }

        return options.Check && !report.ChangedFiles.IsEmpty ? MigrateCommand.ChangesFound : MigrateCommand.Ok;
    }

    /// <summary>Runs units in parallel (one per core); a unit that throws is named as not analysed, with the exception.</summary>
    private Task RunUnitsAsync(IEnumerable<Unit> units, CancellationToken ct) =>
        Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            async (unit, token) =>
            {
                UnitResult result;
                try
                {
                    result = await unit.Run(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    result = UnitResult.Failed(unit.Name, $"the analysis failed: {ex.GetType().Name}: {ex.Message}");
                }

                _results.Enqueue(result);
                _progress.Tick(result.Name, result.Verdict);
            });

    /// <summary>
    /// Loads and runs the MSBuild partitions (their default configuration, Debug), then, under Release, the projects
    /// whose Debug design-time build turned out not to reference TorchTrainer although their Release evaluation does
    /// (a PackageReference on a Release condition): restored under Release first, as <c>dotnet build -c Release</c>
    /// would, since a restore for Debug leaves that package out.
    /// </summary>
    private async Task RunPartitionsAsync(UnitServices services, IReadOnlyList<MsBuildLoader.Partition> partitions,
        IReadOnlyDictionary<string, GateDecision> decisions, string scratch, CancellationToken ct)
    {
        var releaseOnly = await LoadAndRunAsync(services, partitions, decisions, scratch, ct).ConfigureAwait(false);
        if (releaseOnly.Count == 0)
        {
            return;
        }

        // The configuration whose evaluation the gate saw TorchTrainer in.
        const string release = ProjectGate.EvaluatedConfiguration;
        var projects = releaseOnly.Order(StringComparer.Ordinal).ToList();
        _progress.Write($"{(options.NoRestore ? "loading" : "restoring and loading")} {projects.Count} project(s) under {release}: only {release} references TorchTrainer", Verbosity.Normal);
        if (!options.NoRestore)
        {
            var restored = await DotnetRestore.RunAsync([], projects, projects.ToHashSet(ChangeWriter.PathComparer), scratch, ct, release).ConfigureAwait(false);
            foreach (var failure in restored.OtherErrors)
            {
                _loadErrors.Enqueue($"load failure: restore failure: {failure}");
            }

            foreach (var project in projects.ToList())
            {
                if (restored.Failure(project, release) is { } failure)
                {
                    _results.Enqueue(UnitResult.Failed(Display(project), failure));
                    projects.Remove(project);
                }
            }
        }

        var partitionsUnderRelease = projects.Chunk(Math.Max(1, options.PartitionSize))
            .Select(chunk => new MsBuildLoader.Partition($"{string.Join(", ", chunk)} ({release})", null, chunk, Filtered: false, new HashSet<string>(), release))
            .ToList();
        await LoadAndRunAsync(services, partitionsUnderRelease, decisions, scratch, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads the MSBuild partitions, at most one per core at a time (each in its own workspace and build host), runs
    /// the partition's projects in parallel, and disposes the workspace before taking the next partition, so that no
    /// more than the partitions in flight hold compilations and fixed trees. Returns the projects to load under Release
    /// (<see cref="ProjectUnit.Select"/>).
    /// </summary>
    private async Task<IReadOnlyCollection<string>> LoadAndRunAsync(UnitServices services, IReadOnlyList<MsBuildLoader.Partition> partitions,
        IReadOnlyDictionary<string, GateDecision> decisions, string scratch, CancellationToken ct)
    {
        var releaseOnly = new ConcurrentBag<string>();
        if (partitions.Count == 0)
        {
            return releaseOnly;
        }

        var claims = new ConcurrentDictionary<string, byte>(ChangeWriter.PathComparer);
        var parallelism = Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, partitions.Count));
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (partition, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                using var loaded = await MsBuildLoader.LoadAsync(partition, scratch, claims, m => _progress.Write(m, Verbosity.Normal), token).ConfigureAwait(false);
                var took = Stopwatch.GetElapsedTime(started);
                Interlocked.Add(ref _loadTicks, took.Ticks);
                Interlocked.Increment(ref _partitionsLoaded);
                foreach (var failure in loaded.Failures)
                {
                    _loadErrors.Enqueue($"load failure: {failure}");
                }

                foreach (var warning in loaded.Warnings)
                {
                    _loadWarnings.Enqueue($"load warning: {warning}");
                }

                _progress.Write($"loaded {partition.Description} in {took.TotalSeconds:0.0} s", Verbosity.Detailed);
                var (projects, decided, underRelease) = ProjectUnit.Select(services, loaded, decisions, !options.NoRestore, m => _progress.Write(m, Verbosity.Detailed));
                foreach (var result in decided)
                {
                    _results.Enqueue(result);
                }

                underRelease.ForEach(releaseOnly.Add);
                _progress.AddUnits(projects.Count);
                await RunUnitsAsync(projects.Select(p => new Unit(p.Name, p.RunAsync)), token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return releaseOnly;
    }

    private int Fail(IEnumerable<string> errors)
    {
        foreach (var message in errors)
        {
            error.WriteLine($"error: {message}");
        }

        error.WriteLine("Nothing was written.");
        return MigrateCommand.BadInput;
    }

    private string Display(string path) => DisplayPath.Relative(options.CurrentDirectory, path);
}
