using TorchTrainer.Migrate.Cli;

namespace TorchTrainer.Migrate.Tests;

internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>trainer-migrate in process, with its default analyzer set: the shipped TorchTrainer analyzers and fixes.</summary>
internal static class Tool
{
    public static Task<ToolRun> RunAsync(string currentDirectory, params string[] args) => RunAsync(currentDirectory, null, args);

    /// <summary>Runs the tool in <paramref name="currentDirectory"/> (made <see cref="RepeatedRuns.Count"/> times when the determinism proof asks for it).</summary>
    public static Task<ToolRun> RunAsync(string currentDirectory, Func<MigrateOptions, MigrateOptions>? adjust, params string[] args) =>
        RepeatedRuns.RunAsync(currentDirectory, async () =>
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var exit = await MigrateCommand.RunAsync(args, output, error, analyzers: null, currentDirectory, CancellationToken.None, adjust);
            return new ToolRun(exit, output.ToString(), error.ToString());
        });
}
