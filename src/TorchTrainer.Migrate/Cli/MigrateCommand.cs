using System.CommandLine;
using System.CommandLine.Help;
using TorchTrainer.Migrate.Fixing;

namespace TorchTrainer.Migrate.Cli;

/// <summary>The <c>trainer-migrate</c> command line (System.CommandLine) and its exit codes.</summary>
internal static class MigrateCommand
{
    public const int Ok = 0;
    public const int ChangesFound = 1;
    public const int BadInput = 2;

    /// <summary>The installed command (ToolCommandName in the project file).</summary>
    public const string ToolCommandName = "trainer-migrate";

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, analyzers: null, currentDirectory: null, CancellationToken.None);

    /// <summary>
    /// Runs the command; <paramref name="analyzers"/> replaces the TorchTrainer analyzers and <paramref name="adjust"/>
    /// changes options the command line does not expose (tests).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, AnalyzerSet? analyzers,
        string? currentDirectory, CancellationToken ct, Func<MigrateOptions, MigrateOptions>? adjust = null)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Solutions (.sln, .slnx) and solution filters (.slnf), projects (.csproj), folders, file-based apps (.cs with #: directives) or notebooks (.ipynb, .dib). Default: the current folder.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the unified diff of every change; write nothing." };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 when anything would change (a CI gate)." };
        var idiomatic = new Option<bool>("--idiomatic")
        {
            Description = "Where a fix offers an idiomatic rewrite (Math.Exp(v[^1]) to Perplexity, v[^1] to FinalValLoss, the hand-computed best epoch to BestEpoch), apply it instead of the exact one. These read the last validated epoch and skip NaN epochs: the same output on runs validated every epoch.",
        };
        var noRestore = new Option<bool>("--no-restore") { Description = "Do not restore solutions and projects before analysing them (as dotnet format); an unrestored project that can reference a package is then reported as not analysed." };
        var report = new Option<string?>("--report") { Description = "Write the findings to FILE: SARIF 2.1.0 when it ends in .sarif, JSON otherwise.", HelpName = "FILE" };
        var diagnostics = new Option<string[]>("--diagnostics")
        {
            Description = "Only these diagnostic IDs (default: every TorchTrainer rule, TRN0001-TRN0003).",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
            HelpName = "ID",
        };
        var verbosity = new Option<string>("--verbosity", "-v")
        {
            Description = "quiet, minimal, normal (default), detailed or diagnostic (q, m, n, d, diag).",
            DefaultValueFactory = _ => "normal",
            HelpName = "LEVEL",
        };

        var toFileBased = new Option<bool>("--to-file-based") { Description = "Convert C# notebooks into file-based apps (NAME.cs next to each, run with dotnet run NAME.cs), TorchTrainer fixes applied; the notebooks are not changed." };
        var outDirectory = new Option<string?>("--out") { Description = "With --to-file-based: write the apps into DIR.", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "With --to-file-based: replace an app that already exists." };

        // A command named after the tool rather than a RootCommand, whose name (shown in the help's usage line) would be
        // the assembly's, TorchTrainer.Migrate, and cannot be set (dotnet/command-line-api#2365).
        var root = new Command(ToolCommandName, "Migrates TorchTrainer v3 results code (LossHistory, ValLossHistory, legacy keys) to the v4 API in solutions, projects, folders, file-based apps and notebooks.")
        {
            paths, dryRun, check, idiomatic, noRestore, report, diagnostics, verbosity, new HelpOption(), new VersionOption(),
        };
        root.Options.Add(toFileBased);
        root.Options.Add(outDirectory);
        root.Options.Add(force);

        root.SetAction(async (parse, token) =>
        {
            var level = MigrateOptions.ParseVerbosity(parse.GetValue(verbosity) ?? "normal");
            if (level is null)
            {
                await error.WriteLineAsync($"error: --verbosity {parse.GetValue(verbosity)}: expected quiet, minimal, normal, detailed or diagnostic").ConfigureAwait(false);
                return BadInput;
            }

            var options = new MigrateOptions
            {
                Paths = parse.GetValue(paths) ?? [],
                DryRun = parse.GetValue(dryRun),
                Check = parse.GetValue(check),
                Idiomatic = parse.GetValue(idiomatic),
                NoRestore = parse.GetValue(noRestore),
                ReportPath = parse.GetValue(report),
                Diagnostics = parse.GetValue(diagnostics) ?? [],
                Verbosity = level.Value,
                CurrentDirectory = currentDirectory ?? Environment.CurrentDirectory,
                ToFileBased = parse.GetValue(toFileBased),
                OutDirectory = parse.GetValue(outDirectory),
                Force = parse.GetValue(force),
            };
            options = adjust?.Invoke(options) ?? options;
            if (options.ToFileBased)
            {
                var conversion = new Conversion.ConversionRunner(options, analyzers ?? AnalyzerSet.LoadDefault(), output, error);
                return await conversion.RunAsync(token).ConfigureAwait(false);
            }

            if (options.OutDirectory is not null || options.Force)
            {
                await error.WriteLineAsync("error: --out and --force go with --to-file-based").ConfigureAwait(false);
                return BadInput;
            }

            var runner = new MigrationRunner(options, analyzers ?? AnalyzerSet.LoadDefault(), output, error);
            try
            {
                return await runner.RunAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never exit 1 (--check's "would change") for a failure: System.CommandLine's default handler would.
                await error.WriteLineAsync($"error: trainer-migrate failed: {ex}").ConfigureAwait(false);
                return BadInput;
            }
        });

        var parseResult = root.Parse(args);
        var parseErrors = parseResult.Errors.Select(e => e.Message)
            .Concat(UnknownOptions.Find(root, parseResult.GetValue(paths) ?? [], currentDirectory ?? Environment.CurrentDirectory)).ToList();
        if (parseErrors.Count > 0)
        {
            foreach (var parseError in parseErrors)
            {
                await error.WriteLineAsync($"error: {parseError}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'trainer-migrate --help' for usage.").ConfigureAwait(false);
            return BadInput;
        }

        var invoked = await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct).ConfigureAwait(false);
        return invoked;
    }
}
