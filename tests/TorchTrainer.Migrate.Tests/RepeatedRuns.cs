using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// Determinism proof for the end-to-end tests (issue 8: the same input gives the same verdict and output in 5 runs
/// out of 5). With <c>TRAINER_MIGRATE_TEST_RUNS=N</c> set (build/determinism/run.sh sets 5), every tool run of a test
/// is made N times from the same input: the folder it runs in is copied first (links stay links, modes kept) and put
/// back before each further run; each run's exit code, output and resulting files (bin/obj aside) must equal the
/// first run's, or the test fails naming the difference. Unset (as in CI), a run is made once.
/// </summary>
internal static partial class RepeatedRuns
{
    public static readonly int Count = int.TryParse(Environment.GetEnvironmentVariable("TRAINER_MIGRATE_TEST_RUNS"), out var n) ? Math.Max(1, n) : 1;

    public static async Task<ToolRun> RunAsync(string folder, Func<Task<ToolRun>> run)
    {
        if (Count == 1)
        {
            return await run();
        }

        var snapshot = folder.TrimEnd('/') + ".before-runs";
        Shell("cp", "-a", folder, snapshot);
        try
        {
            var first = await run();
            var expected = (first.ExitCode, Normalize(first.Output), Normalize(first.Error), Tree(folder));
            for (var i = 2; i <= Count; i++)
            {
                Shell("rm", "-rf", folder);
                Shell("cp", "-a", snapshot, folder);
                var again = await run();
                var actual = (again.ExitCode, Normalize(again.Output), Normalize(again.Error), Tree(folder));
                if (actual != expected)
                {
                    throw new Xunit.Sdk.XunitException($"run {i} of {Count} differs from run 1:\n--- run 1\n{expected}\n--- run {i}\n{actual}");
                }
            }

            return first;
        }
        finally
        {
            Shell("rm", "-rf", snapshot);
        }
    }

    /// <summary>
    /// Output without what rightly differs between runs: durations, the scratch folder's random name, and the order
    /// of the live progress lines ("[k/N] unit: …", "loading …", "loaded …", "restoring …"), which are printed as
    /// units, restores and partitions start or finish side by side; those are compared as a set (without their counters), everything else in order.
    /// </summary>
    private static string Normalize(string text)
    {
        var lines = Scratch().Replace(Seconds().Replace(text, "# s"), "trainer-migrate-#").Split('\n');
        var progress = lines.Where(l => Progress().IsMatch(l)).Select(l => Progress().Replace(l, "[#] ")).Order(StringComparer.Ordinal);
        return string.Join("\n", lines.Where(l => !Progress().IsMatch(l))) + "\n--- progress (any order)\n" + string.Join("\n", progress);
    }

    /// <summary>Every entry under the folder (bin and obj aside: restore and build write timestamps there), links not followed.</summary>
    private static string Tree(string folder) =>
        string.Join("\n", Gate.GateInputs.Snapshot(folder, name => name is "bin" or "obj").Select(kv => $"{kv.Key} {kv.Value}"));

    private static void Shell(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed: {error}");
        }
    }

    [GeneratedRegex(@"\b\d+(\.\d+)? s\b")]
    private static partial Regex Seconds();

    [GeneratedRegex(@"^(\[\d+/\d+\] |loading |loaded |restoring )")]
    private static partial Regex Progress();

    [GeneratedRegex(@"trainer-migrate-[A-Za-z0-9]{6,}")]
    private static partial Regex Scratch();
}
