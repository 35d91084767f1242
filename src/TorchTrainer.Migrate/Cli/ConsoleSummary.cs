using Microsoft.CodeAnalysis;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Cli;

/// <summary>Prints a finished run's summary from its <see cref="RunReport"/>; decides nothing.</summary>
internal sealed class ConsoleSummary(MigrateOptions options, IReadOnlyDictionary<string, DiagnosticDescriptor> descriptors, TextWriter output, TextWriter error)
{
    public async Task PrintAsync(RunReport report, TimeSpan elapsed)
    {
        var o = output;
        var v = options.Verbosity;
        foreach (var message in report.Errors)
        {
            await error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
        }

        // Never a quiet pass (not even at -v quiet): what could not be analysed is named with its reason; the run exits 2.
        foreach (var notAnalysed in report.NotAnalysed)
        {
            await error.WriteLineAsync($"error: not analysed: {notAnalysed.Input}: {notAnalysed.Reason}").ConfigureAwait(false);
        }

        if (v == Verbosity.Quiet)
        {
            return;
        }

        var verb = options.Writes ? "changed" : "would change";
        await o.WriteLineAsync($"trainer-migrate ({options.Mode}): {report.FilesAnalysed} file(s) analysed, {report.ChangedFiles.Length} file(s) {verb}, {report.Findings.Length} legacy use(s) found in {elapsed.TotalSeconds:0.0} s").ConfigureAwait(false);
        foreach (var group in report.Findings.GroupBy(f => f.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var fixedCount = group.Count(f => f.Status != FindingStatus.Unfixable);
            var title = descriptors.TryGetValue(group.Key, out var d) ? d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
            await o.WriteLineAsync($"  {group.Key}: {fixedCount} {(options.Writes ? "fixed" : "fixable")}, {group.Count() - fixedCount} not fixable{(title.Length > 0 ? "  (" + title + ")" : "")}").ConfigureAwait(false);
        }

        if (v >= Verbosity.Normal)
        {
            foreach (var file in report.ChangedFiles)
            {
                await o.WriteLineAsync($"  {verb}: {Display(file)}").ConfigureAwait(false);
            }
        }

        var unfixable = report.Findings.Where(f => f.Status == FindingStatus.Unfixable).ToList();
        if (unfixable.Count > 0)
        {
            await o.WriteLineAsync("Could not fix (fix by hand):").ConfigureAwait(false);
            foreach (var f in unfixable)
            {
                await o.WriteLineAsync($"  {Where(f)}: {f.RuleId}: {f.Message} — {f.Reason}").ConfigureAwait(false);
            }
        }

        if (v >= Verbosity.Detailed)
        {
            foreach (var f in report.Findings.Where(f => f.Status != FindingStatus.Unfixable))
            {
                await o.WriteLineAsync($"  {Where(f)}: {f.RuleId}: {f.Message}").ConfigureAwait(false);
            }
        }

        foreach (var skipped in report.Skipped)
        {
            await o.WriteLineAsync($"skipped: {skipped}").ConfigureAwait(false);
        }

        await o.WriteLineAsync($"{report.InputsAnalysed} of {report.InputsSeen} input(s) analysed completely").ConfigureAwait(false);
        if (v >= Verbosity.Detailed)
        {
            foreach (var warning in report.Warnings)
            {
                await o.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }
        }
        else
        {
            foreach (var warning in report.Warnings.Where(w => !w.StartsWith("load warning:", StringComparison.Ordinal)))
            {
                await o.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            var loadWarnings = report.Warnings.Count(w => w.StartsWith("load warning:", StringComparison.Ordinal));
            if (loadWarnings > 0)
            {
                await o.WriteLineAsync($"{loadWarnings} MSBuild load warning(s); -v detailed shows them").ConfigureAwait(false);
            }
        }
    }

    private string Where(Finding f) => $"{Display(f.Path)}:{f.Line}{(f.Detail is null ? $":{f.Column}" : $" ({f.Detail})")}";

    private string Display(string path) => DisplayPath.Relative(options.CurrentDirectory, path);
}
