using System.Text;
using TorchTrainer.Migrate.Cli;
using TorchTrainer.Migrate.Discovery;
using TorchTrainer.Migrate.Fixing;
using TorchTrainer.Migrate.Output;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>
/// <c>trainer-migrate --to-file-based</c>: every C# notebook under the paths becomes <c>NAME.cs</c> next to it (or
/// under <c>--out</c>), converted (<see cref="NotebookConverter"/>) and fixed (<see cref="AppFixer"/>). The notebooks
/// are only read. An existing app is kept unless <c>--force</c>; <c>--dry-run</c> prints the apps; <c>--check</c>
/// exits 1 when a notebook has no app yet. Exit 2 when a notebook could not be converted (completely).
/// </summary>
internal sealed class ConversionRunner(MigrateOptions options, AnalyzerSet analyzers, TextWriter output, TextWriter error)
{
    private readonly List<string> _failures = [];
    private readonly List<string> _lines = [];
    private int _written;
    private int _missing;
    private int _existing;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (options.ReportPath is not null)
        {
            return await FailAsync(["--report goes with migration, not --to-file-based: the conversion's summary is its report"]).ConfigureAwait(false);
        }

        var inputs = InputResolver.Resolve(options.Paths, options.CurrentDirectory);
        if (inputs.Errors.Count > 0)
        {
            return await FailAsync(inputs.Errors).ConfigureAwait(false);
        }

        if (inputs.Notebooks.Count == 0)
        {
            return await FailAsync([$"{string.Join(", ", options.Paths.DefaultIfEmpty("."))}: no notebook (.ipynb, .dib) to convert; --to-file-based converts notebooks only"]).ConfigureAwait(false);
        }

        var ids = analyzers.Descriptors.Keys.Where(k => k.StartsWith("TRN", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        if (options.Diagnostics.Count > 0)
        {
            ids = [.. options.Diagnostics.SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
            var unknown = ids.Where(id => !analyzers.Descriptors.ContainsKey(id)).ToList();
            if (unknown.Count > 0)
            {
                return await FailAsync([$"--diagnostics: unknown diagnostic ID {string.Join(", ", unknown)} (known: {string.Join(", ", analyzers.Descriptors.Keys.Order(StringComparer.Ordinal))})"]).ConfigureAwait(false);
            }
        }

        if (ids.Count == 0)
        {
            return await FailAsync([$"no TorchTrainer analyzers found in {analyzers.Source}; the converted apps could not be migrated"]).ConfigureAwait(false);
        }

        // The exact rewrites, as Fix All applies them; with --idiomatic, the idiomatic ones where they are offered.
        var engine = new FixEngine(analyzers, ids, options.MaxPasses, options.Idiomatic);
        // Restores are announced as they start (a first one can download for minutes), as trainer-migrate's check does.
        var progress = new ConsoleProgress(error, options.Verbosity);
        var resolver = new ReferenceResolver(m => progress.Write(m, Verbosity.Normal));
        var targets = new Dictionary<string, string>(ChangeWriter.PathComparer);
        foreach (var notebook in inputs.Notebooks)
        {
            var target = TargetPath(notebook);
            if (targets.TryGetValue(target, out var other))
            {
                _failures.Add($"{Display(notebook)}: could not convert: {Display(other)} converts to the same {Display(target)}; convert one of them with --out DIR");
                continue;
            }

            targets[target] = notebook;
            await ConvertOneAsync(notebook, target, engine, resolver, ct).ConfigureAwait(false);
        }

        await PrintSummaryAsync(inputs.Notebooks.Count).ConfigureAwait(false);
        if (_failures.Count > 0)
        {
            return MigrateCommand.BadInput;
        }

        return options.Check && _missing > 0 ? MigrateCommand.ChangesFound : MigrateCommand.Ok;
    }

    private string TargetPath(string notebook)
    {
        var folder = options.OutDirectory is { } outDirectory
            ? Path.GetFullPath(Path.Combine(options.CurrentDirectory, outDirectory))
            : Path.GetDirectoryName(notebook)!;
        return Path.Combine(folder, Path.GetFileNameWithoutExtension(notebook) + ".cs");
    }

    private async Task ConvertOneAsync(string notebook, string target, FixEngine engine, ReferenceResolver resolver, CancellationToken ct)
    {
        var name = Display(notebook);
        if (File.Exists(target) && !options.Force && !options.DryRun)
        {
            _existing++;
            _lines.Add($"  exists: {Display(target)} (from {name}); not overwritten (--force replaces it)");
            return;
        }

        TextFile file;
        try
        {
            file = TextFile.Read(notebook);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _failures.Add($"{name}: could not convert: cannot be read: {ex.Message}");
            return;
        }

        var converted = await NotebookConverter.ConvertAsync(file, Path.GetDirectoryName(Path.GetFullPath(target))!, resolver.Packages, ct).ConfigureAwait(false);
        if (converted.Errors.Count > 0)
        {
            _failures.AddRange(converted.Errors.Select(e => $"{name}: could not convert: {e}"));
            return;
        }

        if (converted.AppText is null)
        {
            _lines.Add($"  skipped: {name}: no C# cells");
            return;
        }

        var fixedApp = await AppFixer.FixAsync(target, converted.AppText, converted, engine, resolver, ct).ConfigureAwait(false);
        var fixedCount = fixedApp.FixedPerRule.Values.Sum();
        var verb = options.Check ? "would write" : options.DryRun ? "would write" : "wrote";
        _missing += File.Exists(target) ? 0 : 1;
        var what = new List<string>();
        if (fixedCount > 0)
        {
            what.Add($"{fixedCount} legacy use(s) fixed ({string.Join(", ", fixedApp.FixedPerRule.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} × {r.Value}"))})");
        }

        if (converted.LeftOut.Count > 0)
        {
            what.Add($"left out: {string.Join(", ", converted.LeftOut)}");
        }

        _lines.Add($"  {verb}: {Display(target)} from {name}{(what.Count > 0 ? "; " + string.Join("; ", what) : "")}");
        _lines.AddRange(converted.Notes.Select(n => $"    note: {n}"));
        _lines.AddRange(converted.UnknownMagics.Select(m => $"    magic left as a comment: {m}"));
        _lines.AddRange(converted.KernelOnly.Select(k => $"    kernel API left as a comment: {k}"));
        _lines.AddRange(converted.Renamed.Select(r => $"    declared again, renamed: {r}"));
        _lines.AddRange(fixedApp.Problems.Select(p => $"    warning: {p}"));
        _lines.AddRange(fixedApp.Unfixed.Select(u => $"    could not fix (fix by hand): {u}"));
        _failures.AddRange(converted.NotConvertible.Select(n => $"{name}: could not convert completely (left as a comment in {Path.GetFileName(target)}): {n}"));

        if (options.DryRun)
        {
            await output.WriteLineAsync($"// ===== {Display(target)} =====").ConfigureAwait(false);
            await output.WriteAsync(fixedApp.Text).ConfigureAwait(false);
            return;
        }

        if (options.Writes)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var bytes = new UTF8Encoding(false).GetBytes(fixedApp.Text);
                AtomicFile.Write(target, s => s.Write(bytes));
                _written++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _failures.Add($"{Display(target)}: could not be written: {ex.Message}");
            }
        }
    }

    private async Task PrintSummaryAsync(int notebooks)
    {
        foreach (var failure in _failures)
        {
            await error.WriteLineAsync($"error: {failure}").ConfigureAwait(false);
        }

        if (options.Verbosity == Verbosity.Quiet)
        {
            return;
        }

        var mode = options.Check ? "check" : options.DryRun ? "dry-run" : "apply";
        var done = options.Writes ? $"{_written} app(s) written" : $"{_missing} app(s) missing";
        await output.WriteLineAsync($"trainer-migrate --to-file-based ({mode}): {notebooks} notebook(s), {done}, {_existing} already converted").ConfigureAwait(false);
        foreach (var line in _lines)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    private async Task<int> FailAsync(IEnumerable<string> errors)
    {
        foreach (var message in errors)
        {
            await error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
        }

        await error.WriteLineAsync("Nothing was written.").ConfigureAwait(false);
        return MigrateCommand.BadInput;
    }

    private string Display(string path)
    {
        var relative = Path.GetRelativePath(options.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
