using System.Diagnostics;
using System.Text;

namespace TorchTrainer.TestSupport;

/// <summary>
/// Runs a child process (dotnet, an installed tool, a built sample) the way the end-to-end tests need it:
/// a clean environment without the test run's MSBuild state or strict mode, output captured, a hang guard.
/// </summary>
internal static class ChildProcess
{
    // Variables the test host sets for itself that would steer a child's MSBuild or TorchTrainer.
    private static readonly string[] Inherited =
        ["TORCHTRAINER_STRICT_LEGACY_API", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE"];

    /// <summary>The dotnet host running these tests (so children use the same SDK), else the one on PATH.</summary>
    public static string Dotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="args"/>; <paramref name="environment"/> adds to the clean
    /// environment. <c>build</c> and <c>pack</c> get <c>--disable-build-servers</c>, so no server outlives the test.
    /// Fails the test when the process outlives <paramref name="limit"/> (a hang guard, not a timing assertion),
    /// or exits non-zero while <paramref name="expectSuccess"/>.
    /// </summary>
    public static ProcessResult Run(
        string fileName, string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan limit, bool expectSuccess)
    {
        var start = StartInfo(fileName, workingDirectory, args, environment);
        var command = $"{Path.GetFileName(fileName)} {string.Join(' ', args)}";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{command} did not finish within {limit} (a hang guard); it was killed. What it printed:{Environment.NewLine}"
                + new ProcessResult(command, -1, stdout.Result, stderr.Result, clock.Elapsed));
        }

        var result = new ProcessResult(command, process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
        if (expectSuccess && result.ExitCode != 0)
        {
            Assert.Fail($"This step failed:{Environment.NewLine}{result}");
        }

        return result;
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> for a test that talks to it while it runs (reads its lines, kills it); the
    /// same clean environment as <see cref="Run"/>. Dispose kills it if it still runs.
    /// </summary>
    public static RunningProcess Start(string fileName, string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment) =>
        new(StartInfo(fileName, workingDirectory, args, environment), $"{Path.GetFileName(fileName)} {string.Join(' ', args)}");

    private static ProcessStartInfo StartInfo(string fileName, string workingDirectory, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (args.Count > 0 && args[0] is "build" or "pack")
        {
            start.ArgumentList.Add("--disable-build-servers"); // leave no compiler or MSBuild server running
            start.ArgumentList.Add("-nologo");
        }

        foreach (var name in Inherited)
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }
}

/// <summary>What one child process did.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Command} exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s");
        text.AppendLine("--- stdout ---").AppendLine(StdOut);
        text.AppendLine("--- stderr ---").AppendLine(StdErr);
        return text.ToString();
    }
}
