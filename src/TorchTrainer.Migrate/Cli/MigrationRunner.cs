using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Migrate.Discovery;
using TorchTrainer.Migrate.FileBasedApps;
using TorchTrainer.Migrate.Fixing;
using TorchTrainer.Migrate.Notebooks;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Cli;

/// <summary>One run of the tool: resolve inputs, load, fix unit by unit in parallel, write, report.</summary>
internal sealed class MigrationRunner
{
    private readonly MigrateOptions _options;
    private readonly AnalyzerSet _analyzers;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly Lock _consoleLock = new();
    private readonly RunReport _report = new();
    private readonly ReferenceResolver _resolver = new();
    private ChangeWriter _writer = null!;
    private FixEngine _engine = null!;
    private int _done;
    private int _total;
    private TimeSpan _loadTime;

    public MigrationRunner(MigrateOptions options, AnalyzerSet analyzers, TextWriter output, TextWriter error)
    {
        _options = options;
        _analyzers = analyzers;
        _output = output;
        _error = error;
    }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var inputs = InputResolver.Resolve(_options.Paths, _options.CurrentDirectory);
        if (inputs.Errors.Count > 0)
        {
            return Fail(inputs.Errors);
        }

        // Which rules: the requested ones, all of which an analyzer must report.
        var ids = _options.Diagnostics.Count > 0
            ? _options.Diagnostics.SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : _analyzers.Descriptors.Keys.Where(k => k.StartsWith("TRN", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        if (_analyzers.Analyzers.IsEmpty || ids.Count == 0)
        {
            return Fail([$"no TorchTrainer analyzers found in {_analyzers.Source}; this build of trainer-migrate cannot check anything"]);
        }

        var unknown = ids.Where(id => !_analyzers.Descriptors.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            return Fail([$"--diagnostics: unknown diagnostic ID {string.Join(", ", unknown)} (known: {string.Join(", ", _analyzers.Descriptors.Keys.Order(StringComparer.Ordinal))})"]);
        }

        // Notebooks are read and validated before anything else: a malformed one stops the run with nothing written.
        var notebooks = new List<INotebook>();
        var apps = new List<FileBasedApp>();
        var readErrors = new List<string>();
        foreach (var path in inputs.Notebooks)
        {
            try
            {
                var file = TextFile.Read(path);
                notebooks.Add(path.EndsWith(".dib", StringComparison.OrdinalIgnoreCase) ? DibNotebook.Parse(file) : IpynbNotebook.Parse(file));
            }
            catch (NotebookFormatException ex)
            {
                readErrors.Add($"{Display(path)}: {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                readErrors.Add($"{Display(path)}: cannot be read: {ex.Message}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                readErrors.Add($"{Display(path)}: cannot be read as a notebook: {ex.GetType().Name}: {ex.Message}");
            }
        }

        foreach (var path in inputs.FileBasedApps)
        {
            try
            {
                apps.Add(FileBasedApp.Parse(TextFile.Read(path)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                readErrors.Add($"{Display(path)}: cannot be read: {ex.Message}");
            }
        }

        if (readErrors.Count > 0)
        {
            return Fail(readErrors);
        }

        _report.NotAnalysed.AddRange(inputs.NotAnalysed.Select(n => new NotAnalysed(Display(n.Path), n.Reason)));
        _report.Skipped.AddRange(inputs.Skipped);
        _engine = new FixEngine(_analyzers, ids, _options.MaxPasses);
        _writer = new ChangeWriter(inputs.Roots, _options.Writes);
        Progress($"trainer-migrate: {_options.Mode}, rules {string.Join(", ", ids)}, analyzers from {_analyzers.Source}", Verbosity.Detailed);

        var units = new List<(string Name, Func<CancellationToken, Task> Run)>();
        units.AddRange(apps.Select(a => (Display(a.File.Path), (Func<CancellationToken, Task>)(c => RunFileBasedAppAsync(a, c)))));
        units.AddRange(notebooks.Select(n => (Display(n.File.Path), (Func<CancellationToken, Task>)(c => RunNotebookAsync(n, c)))));

        // MSBuild inputs: partitions loaded side by side, each processed and released before the next is taken.
        var partitions = new List<MsBuildLoader.Partition>();
        if (inputs.Solutions.Count > 0 || inputs.Projects.Count > 0)
        {
            var planFailures = new List<string>();
            partitions.AddRange(await MsBuildLoader.PlanAsync(inputs.Solutions, inputs.Projects, _options.PartitionSize, planFailures, ct).ConfigureAwait(false));
            _report.Errors.AddRange(planFailures.Select(f => $"load failure: {f}"));
        }

        _total = units.Count;
        var standalone = RunUnitsAsync(units, ct);
        var msbuild = RunPartitionsAsync(partitions, ct);
        await Task.WhenAll(standalone, msbuild).ConfigureAwait(false);
        if (_loadTime > TimeSpan.Zero)
        {
            Progress($"MSBuild loads: {_loadTime.TotalSeconds:0.0} s in total over {partitions.Count} partition(s)", Verbosity.Detailed);
        }

        if (_options.DryRun)
        {
            foreach (var (_, diff) in _report.Diffs.OrderBy(d => d.Path, StringComparer.Ordinal))
            {
                await _output.WriteAsync(diff).ConfigureAwait(false);
            }
        }

        if (_options.ReportPath is { } reportPath)
        {
            try
            {
                ReportWriter.Write(Path.GetFullPath(Path.Combine(_options.CurrentDirectory, reportPath)), _report, _analyzers.Descriptors, _options.Mode);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _report.Errors.Add($"{reportPath}: the report cannot be written: {ex.Message}");
            }
        }

        await PrintSummaryAsync(stopwatch.Elapsed).ConfigureAwait(false);
        if (_report.Errors.Count > 0 || _report.NotAnalysed.Count > 0)
        {
            return MigrateCommand.BadInput;
        }

        return _options.Check && _report.ChangedFiles.Count > 0 ? MigrateCommand.ChangesFound : MigrateCommand.Ok;
    }

    private Task RunUnitsAsync(IEnumerable<(string Name, Func<CancellationToken, Task> Run)> units, CancellationToken ct) =>
        Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            async (unit, token) =>
            {
                try
                {
                    await unit.Run(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _report.Add(r => r.NotAnalysed.Add(new NotAnalysed(unit.Name, $"the analysis failed: {ex.GetType().Name}: {ex.Message}")));
                }
            });

    /// <summary>
    /// Loads the MSBuild partitions, at most one per core at a time (each in its own workspace and build host), runs
    /// the partition's projects in parallel, and disposes the workspace before taking the next partition, so that no
    /// more than the partitions in flight hold compilations and fixed trees.
    /// </summary>
    private async Task RunPartitionsAsync(IReadOnlyList<MsBuildLoader.Partition> partitions, CancellationToken ct)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        var scratch = Directory.CreateTempSubdirectory("trainer-migrate-");
        var claims = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>(ChangeWriter.PathComparer);
        try
        {
            var parallelism = Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, partitions.Count));
            await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
                async (partition, token) =>
                {
                    var started = Stopwatch.GetTimestamp();
                    using var loaded = await MsBuildLoader.LoadAsync(partition, scratch.FullName, claims, m => Progress(m, Verbosity.Normal), token).ConfigureAwait(false);
                    var took = Stopwatch.GetElapsedTime(started);
                    _report.Add(r =>
                    {
                        _loadTime += took;
                        r.Errors.AddRange(loaded.Failures.Select(f => $"load failure: {f}").Where(f => !r.Errors.Contains(f)));
                        r.Warnings.AddRange(loaded.Warnings.Select(w => $"load warning: {w}"));
                    });
                    Progress($"loaded {partition.Description} in {took.TotalSeconds:0.0} s", Verbosity.Detailed);
                    await RunUnitsAsync(ProjectUnits(loaded), token).ConfigureAwait(false);
                }).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private List<(string Name, Func<CancellationToken, Task> Run)> ProjectUnits(MsBuildLoader.LoadedPartition loaded)
    {
        var units = new List<(string Name, Func<CancellationToken, Task> Run)>();
        var solution = loaded.Solution;
        foreach (var projectId in loaded.Requested)
        {
            var project = solution.GetProject(projectId)!;
            if (project.Language != LanguageNames.CSharp)
            {
                continue;
            }

            if (string.Equals(project.AssemblyName, "TorchTrainer", StringComparison.OrdinalIgnoreCase))
            {
                Progress($"{Display(project.FilePath ?? project.Name)}: TorchTrainer itself, skipped", Verbosity.Detailed);
                continue;
            }

            if (!MsBuildLoader.ReferencesTorchTrainer(project))
            {
                _report.Add(r =>
                {
                    r.Skipped.Add($"{Display(project.FilePath ?? project.Name)} ({project.Name}): does not reference TorchTrainer; skipped");
                    r.InputsAnalysed++;
                });
                continue;
            }

            units.Add((Display(project.FilePath ?? project.Name), c => RunProjectAsync(solution, projectId, c)));
        }

        Interlocked.Add(ref _total, units.Count);
        return units;
    }

    private int Fail(IEnumerable<string> errors)
    {
        foreach (var message in errors)
        {
            _error.WriteLine($"error: {message}");
        }

        _error.WriteLine("Nothing was written.");
        return MigrateCommand.BadInput;
    }

    // ---- units -------------------------------------------------------------------------------------------

    private async Task RunProjectAsync(Solution solution, ProjectId projectId, CancellationToken ct)
    {
        var project = solution.GetProject(projectId)!;
        var result = await _engine.RunAsync(project, d => d.FilePath is { } p && !IsBuildOutput(p) && _writer.TryClaim(p), ct).ConfigureAwait(false);
        var findings = new List<Finding>();
        foreach (var group in result.Initial.GroupBy(f => f.DocumentId))
        {
            var document = project.GetDocument(group.Key)!;
            var path = document.FilePath!;
            var oldText = result.Changed.TryGetValue(group.Key, out var texts) ? texts.Old : await document.GetTextAsync(ct).ConfigureAwait(false);
            var newText = texts.New ?? oldText;
            findings.AddRange(MapFindings(group, result.Unfixed.Where(u => u.DocumentId == group.Key), oldText, newText,
                d => FromLineSpan(d, path), d => FromLineSpan(d, path)));
        }

        var outcomes = new List<(string, ChangeOutcome)>();
        foreach (var (documentId, (oldText, newText)) in result.Changed)
        {
            var path = project.GetDocument(documentId)!.FilePath!;
            var original = oldText.ToString();
            var (text, _) = TextEdits.Apply(original, TextEdits.Changes(oldText, newText), [], TextFile.DetectNewLine(original));
            outcomes.Add((path, Commit(new FileChange(path, original, text))));
        }

        Record(Display(project.FilePath ?? project.Name), result, findings, outcomes, project.Documents.Count());
    }

    private async Task RunFileBasedAppAsync(FileBasedApp app, CancellationToken ct)
    {
        var (project, documentId, failure) = await app.CreateProjectAsync(_resolver, ct).ConfigureAwait(false);
        if (failure is not null)
        {
            _report.Add(r => r.NotAnalysed.Add(new NotAnalysed(Display(app.File.Path), failure)));
            Tick(Display(app.File.Path), "not analysed");
            return;
        }

        var result = await _engine.RunAsync(project, d => d.Id == documentId, ct).ConfigureAwait(false);
        var analysed = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
        var fixedText = result.Changed.TryGetValue(documentId, out var texts) ? texts.New : analysed;
        var findings = MapFindings(result.Initial, result.Unfixed, analysed, fixedText,
            d => FromLineSpan(d, app.File.Path), d => FromLineSpan(d, app.File.Path)).ToList();
        var outcomes = new List<(string, ChangeOutcome)>();
        if (result.Changed.Count > 0)
        {
            var (text, rejected) = app.Apply(analysed, fixedText);
            if (rejected > 0)
            {
                _report.Add(r => r.Warnings.Add($"{Display(app.File.Path)}: {rejected} rewrite(s) would touch a #: directive line; not applied"));
            }

            outcomes.Add((app.File.Path, Commit(new FileChange(app.File.Path, app.File.Text, text))));
        }

        Record(Display(app.File.Path), result, findings, outcomes, 1);
    }

    private async Task RunNotebookAsync(INotebook notebook, CancellationToken ct)
    {
        var path = notebook.File.Path;
        var script = notebook.Script;
        if (script.Pieces.Count == 0)
        {
            _report.Add(r =>
            {
                r.Skipped.Add($"{Display(path)}: no C# cells; skipped");
                r.InputsAnalysed++;
            });
            Tick(Display(path), "no C# cells");
            return;
        }

        var resolved = await NotebookReferences.ResolveAsync(notebook, _resolver, ct).ConfigureAwait(false);
        _report.Add(r => r.Warnings.AddRange(resolved.Warnings.Select(w => $"{Display(path)}: {w}")));
        if (resolved.Failures.Count > 0)
        {
            _report.Add(r => r.NotAnalysed.AddRange(resolved.Failures.Select(f => new NotAnalysed(Display(path), f))));
            Tick(Display(path), "not analysed");
            return;
        }

        // Analysed as a regular compilation unit (top-level statements), not as a script: analyzers' operation actions
        // do not run on a script's global statements (only on its field initializers and members), so a legacy read in a
        // cell's plain statement, e.g. Console.WriteLine(results.LossHistory[^1]), went unreported. The C# compiler still
        // binds statements after type declarations, late usings and a cell's trailing expression (with errors, which
        // the analyzers do not mind), so every cell is analysed.
        var (project, documentId) = AdhocProjects.Create(Path.GetFileNameWithoutExtension(path), path, script.Text, SourceCodeKind.Regular, resolved.References, script.HoistedUsings);
        var result = await _engine.RunAsync(project, d => d.Id == documentId, ct).ConfigureAwait(false);
        var analysed = await project.GetDocument(documentId)!.GetTextAsync(ct).ConfigureAwait(false);
        var fixedText = result.Changed.TryGetValue(documentId, out var texts) ? texts.New : analysed;

        Finding Locate(Diagnostic diagnostic, bool inFixedText)
        {
            var position = diagnostic.Location.SourceSpan.Start;
            var piece = inFixedText ? null : script.Locate(position);
            if (piece is { } located)
            {
                var (line, column) = TextEdits.LineColumn(located.Piece.OriginalText, located.Offset);
                var (fileLine, detail) = notebook.Locate(located.Piece.CellIndex, line);
                return NewFinding(diagnostic, path, fileLine, column + 1, fileLine, column + 1 + diagnostic.Location.SourceSpan.Length, notebook is DibNotebook ? null : detail);
            }

            var lineSpan = diagnostic.Location.GetLineSpan();
            return NewFinding(diagnostic, path, lineSpan.StartLinePosition.Line + 1, lineSpan.StartLinePosition.Character + 1,
                lineSpan.EndLinePosition.Line + 1, lineSpan.EndLinePosition.Character + 1, notebook is DibNotebook ? null : "in the combined C# script");
        }

        var findings = MapFindings(result.Initial, result.Unfixed, analysed, fixedText, d => Locate(d, false), d => Locate(d, true)).ToList();
        var outcomes = new List<(string, ChangeOutcome)>();
        if (result.Changed.Count > 0)
        {
            var (cells, rejected) = script.MapBack(analysed, fixedText, notebook.File.NewLine);
            if (rejected > 0)
            {
                _report.Add(r => r.Warnings.Add($"{Display(path)}: {rejected} rewrite(s) would cross a cell or touch a magic / #r line; not applied"));
            }

            if (cells.Count > 0)
            {
                outcomes.Add((path, Commit(new FileChange(path, notebook.File.Text, notebook.WithCells(cells)))));
            }
        }

        Record(Display(path), result, findings, outcomes, 1);
    }

    // ---- mapping and recording ---------------------------------------------------------------------------

    private static Finding NewFinding(Diagnostic d, string path, int line, int column, int endLine, int endColumn, string? detail) =>
        new(d.Id, d.Severity, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), path, line, column, endLine, endColumn, detail, FindingStatus.Fixable, null);

    private static Finding FromLineSpan(Diagnostic d, string path)
    {
        var span = d.Location.GetLineSpan();
        return NewFinding(d, path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
            span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1, null);
    }

    private static IEnumerable<Finding> MapFindings(IEnumerable<FoundDiagnostic> initial, IEnumerable<UnfixedDiagnostic> unfixed,
        SourceText oldText, SourceText newText, Func<Diagnostic, Finding> locateInitial, Func<Diagnostic, Finding> locateFixed)
    {
        // An unfixed diagnostic is matched to an initial one of the same rule over the same code; the others were fixed.
        var pending = initial.ToList();
        var result = new List<Finding>();
        foreach (var u in unfixed)
        {
            var code = newText.ToString(u.Diagnostic.Location.SourceSpan);
            var match = pending.FindIndex(i => i.Id == u.Diagnostic.Id && oldText.ToString(i.Span) == code);
            if (match >= 0)
            {
                result.Add(locateInitial(pending[match].Diagnostic) with { Status = FindingStatus.Unfixable, Reason = u.Reason });
                pending.RemoveAt(match);
            }
            else
            {
                result.Add(locateFixed(u.Diagnostic) with { Status = FindingStatus.Unfixable, Reason = u.Reason });
            }
        }

        result.AddRange(pending.Select(p => locateInitial(p.Diagnostic)));
        return result;
    }

    private ChangeOutcome Commit(FileChange change)
    {
        var (outcome, message) = _writer.Commit(change);
        switch (outcome)
        {
            case ChangeOutcome.Written or ChangeOutcome.WouldWrite:
                _report.Add(r =>
                {
                    r.ChangedFiles.Add(change.Path);
                    if (_options.DryRun)
                    {
                        r.Diffs.Add((change.Path, UnifiedDiff.Create(Display(change.Path), change.OriginalText, change.NewText)));
                    }
                });
                break;
            default:
                _report.Add(r => r.Errors.Add(message!));
                break;
        }

        return outcome;
    }

    private void Record(string name, EngineResult result, List<Finding> findings, List<(string Path, ChangeOutcome Outcome)> outcomes, int files)
    {
        var written = outcomes.Where(o => o.Outcome == ChangeOutcome.Written).Select(o => o.Path).ToHashSet(ChangeWriter.PathComparer);
        var notWritten = outcomes.Where(o => o.Outcome is not (ChangeOutcome.Written or ChangeOutcome.WouldWrite)).Select(o => o.Path).ToHashSet(ChangeWriter.PathComparer);
        var final = findings.Select(f => f.Status != FindingStatus.Fixable ? f
            : written.Contains(f.Path) ? f with { Status = FindingStatus.Fixed }
            : notWritten.Contains(f.Path) ? f with { Status = FindingStatus.Unfixable, Reason = "the file was not written" }
            : f).ToList();
        _report.Add(r =>
        {
            r.Findings.AddRange(final);
            r.FilesAnalysed += files;
            r.InputsAnalysed++;
            r.Warnings.AddRange(result.Problems);
            if (notWritten.Count == 0)
            {
                foreach (var (id, count) in result.FixedPerRule)
                {
                    r.FixedPerRule[id] = r.FixedPerRule.GetValueOrDefault(id) + count;
                }
            }
        });
        // Counted from the findings' final status, as the summary counts them: a use whose file was not written is not fixed.
        var fixedCount = final.Count(f => f.Status != FindingStatus.Unfixable);
        Tick(name, final.Count == 0 ? "nothing to migrate"
            : $"{final.Count} legacy use(s), {fixedCount} {(_options.Writes ? "fixed" : "fixable")}{(notWritten.Count > 0 ? ", file(s) not written" : "")}");
    }

    // ---- console -----------------------------------------------------------------------------------------

    private void Tick(string name, string what)
    {
        var done = Interlocked.Increment(ref _done);
        Progress($"[{done}/{_total}] {name}: {what}", Verbosity.Normal);
    }

    private void Progress(string message, Verbosity level)
    {
        if (_options.Verbosity < level)
        {
            return;
        }

        lock (_consoleLock)
        {
            _error.WriteLine(message);
        }
    }

    private async Task PrintSummaryAsync(TimeSpan elapsed)
    {
        var o = _output;
        var v = _options.Verbosity;
        var report = _report;
        foreach (var error in report.Errors)
        {
            await _error.WriteLineAsync($"error: {error}").ConfigureAwait(false);
        }

        // Never a quiet pass (not even at -v quiet): what could not be analysed is named with its reason; the run exits 2.
        foreach (var notAnalysed in report.NotAnalysed.OrderBy(n => n.Input, StringComparer.Ordinal).ThenBy(n => n.Reason, StringComparer.Ordinal))
        {
            await _error.WriteLineAsync($"error: not analysed: {notAnalysed.Input}: {notAnalysed.Reason}").ConfigureAwait(false);
        }

        if (v == Verbosity.Quiet)
        {
            return;
        }

        var verb = _options.Writes ? "changed" : "would change";
        await o.WriteLineAsync($"trainer-migrate ({_options.Mode}): {report.FilesAnalysed} file(s) analysed, {report.ChangedFiles.Count} file(s) {verb}, {report.Findings.Count} legacy use(s) found in {elapsed.TotalSeconds:0.0} s").ConfigureAwait(false);
        foreach (var group in report.Findings.GroupBy(f => f.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var fixedCount = group.Count(f => f.Status != FindingStatus.Unfixable);
            var title = _analyzers.Descriptors.TryGetValue(group.Key, out var d) ? d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
            await o.WriteLineAsync($"  {group.Key}: {fixedCount} {(_options.Writes ? "fixed" : "fixable")}, {group.Count() - fixedCount} not fixable{(title.Length > 0 ? "  (" + title + ")" : "")}").ConfigureAwait(false);
        }

        if (v >= Verbosity.Normal)
        {
            foreach (var file in report.ChangedFiles.Order(StringComparer.Ordinal))
            {
                await o.WriteLineAsync($"  {verb}: {Display(file)}").ConfigureAwait(false);
            }
        }

        var unfixable = report.Findings.Where(f => f.Status == FindingStatus.Unfixable).OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line).ToList();
        if (unfixable.Count > 0)
        {
            await o.WriteLineAsync("Could not fix (fix by hand):").ConfigureAwait(false);
            foreach (var f in unfixable)
            {
                await o.WriteLineAsync($"  {Display(f.Path)}:{f.Line}{(f.Detail is null ? $":{f.Column}" : $" ({f.Detail})")}: {f.RuleId}: {f.Message} — {f.Reason}").ConfigureAwait(false);
            }
        }

        if (v >= Verbosity.Detailed)
        {
            foreach (var f in report.Findings.Where(f => f.Status != FindingStatus.Unfixable).OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line))
            {
                await o.WriteLineAsync($"  {Display(f.Path)}:{f.Line}{(f.Detail is null ? $":{f.Column}" : $" ({f.Detail})")}: {f.RuleId}: {f.Message}").ConfigureAwait(false);
            }
        }

        foreach (var skipped in report.Skipped.Order(StringComparer.Ordinal))
        {
            await o.WriteLineAsync($"skipped: {skipped}").ConfigureAwait(false);
        }

        var inputs = report.InputsAnalysed + report.NotAnalysed.Select(n => n.Input).Distinct(StringComparer.Ordinal).Count();
        await o.WriteLineAsync($"{report.InputsAnalysed} of {inputs} input(s) analysed completely").ConfigureAwait(false);
        var warnings = report.Warnings.Distinct().ToList();
        if (v >= Verbosity.Detailed)
        {
            foreach (var warning in warnings)
            {
                await o.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }
        }
        else
        {
            foreach (var warning in warnings.Where(w => !w.StartsWith("load warning:", StringComparison.Ordinal)))
            {
                await o.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            var loadWarnings = warnings.Count(w => w.StartsWith("load warning:", StringComparison.Ordinal));
            if (loadWarnings > 0)
            {
                await o.WriteLineAsync($"{loadWarnings} MSBuild load warning(s); -v detailed shows them").ConfigureAwait(false);
            }
        }
    }

    private string Display(string path)
    {
        var relative = Path.GetRelativePath(_options.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static bool IsBuildOutput(string path)
    {
        var separators = new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };
        return path.Split(separators).Any(segment => segment is "obj" or "bin");
    }
}
