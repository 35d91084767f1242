using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// Runs the dotnet CLI as a child process (every restore trainer-migrate asks for: projects and solutions, notebook
/// packages, file-based apps, the versions a notebook's ranges resolve to): the SDK this tool runs on, messages in
/// English (restore errors are parsed), no build nodes left behind, and a hang guard.
/// </summary>
internal static class DotnetCli
{
    // Set in this process by MSBuild Locator for the in-process MSBuild; a child dotnet must find its own SDK.
    private static readonly string[] MSBuildVariables =
        ["MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE"];

    /// <summary>
    /// Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/>; returns its exit code and its standard output
    /// followed by its standard error. A run that outlives <paramref name="limit"/> is killed and reported as exit code
    /// -1 with an <c>error:</c> line that says so.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IEnumerable<string> args, TimeSpan limit, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Host())
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

        foreach (var name in MSBuildVariables)
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            return (-1, $"error: dotnet {string.Join(' ', start.ArgumentList)} did not finish within {limit.TotalMinutes:0} minutes");
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + "\n" + await stderr.ConfigureAwait(false));
    }

    /// <summary>The dotnet host this tool runs on (so the child uses the same SDK), else the one on the PATH.</summary>
    private static string Host()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/ → <dotnet root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
