using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TorchTrainer.Tests.Notebooks;

/// <summary>
/// The real notebook kernel (the <c>Microsoft.dotnet-interactive</c> tool, installed from NuGet into a temporary
/// tool path) driven over <c>dotnet-interactive stdio</c>, the protocol Polyglot Notebooks speaks: one JSON command
/// envelope per line in, one JSON event envelope per line out.
/// </summary>
internal sealed class KernelSession : IDisposable
{
    public const string ToolVersion = "1.0.712001";
    private static readonly TimeSpan CellLimit = TimeSpan.FromMinutes(2); // hang guard, not a timing assertion

    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly StringBuilder _transcript = new();
    private int _cells;

    private KernelSession(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } line) _lines.Add(line); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_transcript) _transcript.AppendLine("kernel stderr: " + line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Installs the kernel tool into <paramref name="toolPath"/> (fails the test with the reason when it cannot) and starts it.</summary>
    public static KernelSession Start(string toolPath, IReadOnlyDictionary<string, string> environment)
    {
        ChildProcess.Run(
            ChildProcess.Dotnet(), toolPath,
            ["tool", "install", "Microsoft.dotnet-interactive", "--version", ToolVersion, "--tool-path", toolPath],
            new Dictionary<string, string>(), TimeSpan.FromMinutes(5), expectSuccess: true);
        var start = new ProcessStartInfo(Path.Combine(toolPath, OperatingSystem.IsWindows() ? "dotnet-interactive.exe" : "dotnet-interactive"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = toolPath,
        };
        start.ArgumentList.Add("stdio");
        start.ArgumentList.Add("--default-kernel");
        start.ArgumentList.Add("csharp");
        start.Environment.Remove("TORCHTRAINER_STRICT_LEGACY_API");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (Path.IsPathRooted(ChildProcess.Dotnet()))
        {
            start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(ChildProcess.Dotnet())!;
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new KernelSession(Process.Start(start)!);
    }

    /// <summary>Everything the kernel said so far, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return _transcript.ToString();
            }
        }
    }

    /// <summary>Runs one C# cell and returns what it produced, as a notebook would show it.</summary>
    public CellOutput Run(string code)
    {
        var token = $"cell-{++_cells}";
        var command = new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
        };
        _process.StandardInput.WriteLine(command.ToJsonString());
        _process.StandardInput.Flush();
        lock (_transcript) _transcript.AppendLine($">>> {token}: {code}");

        var output = new CellOutput();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < CellLimit)
        {
            if (!_lines.TryTake(out var line, TimeSpan.FromSeconds(1)))
            {
                Assert.False(_process.HasExited, $"The kernel exited with {(_process.HasExited ? _process.ExitCode : 0)}.{Environment.NewLine}{Transcript}");
                continue;
            }

            JsonNode? envelope;
            try
            {
                envelope = JsonNode.Parse(line);
            }
            catch (JsonException)
            {
                lock (_transcript) _transcript.AppendLine("kernel stdout: " + line);
                continue;
            }

            if (envelope?["command"]?["token"]?.GetValue<string>() is not { } eventToken || !eventToken.StartsWith(token, StringComparison.Ordinal))
            {
                continue;
            }

            var type = envelope["eventType"]?.GetValue<string>();
            var body = envelope["event"];
            lock (_transcript) _transcript.AppendLine($"<<< {type}: {Shorten(body?.ToJsonString())}");
            switch (type)
            {
                case "StandardOutputValueProduced":
                    output.StdOut.Append(PlainText(body));
                    break;
                case "StandardErrorValueProduced":
                    output.StdErr.Append(PlainText(body));
                    break;
                case "ReturnValueProduced" or "DisplayedValueProduced":
                    output.Displayed.AddRange(body?["formattedValues"]?.AsArray().Select(v => v?["value"]?.GetValue<string>() ?? "") ?? []);
                    break;
                case "CommandFailed":
                    output.Failure = body?["message"]?.GetValue<string>() ?? "(no message)";
                    return output;
                case "CommandSucceeded" when eventToken == token:
                    return output;
            }
        }

        Assert.Fail($"The cell did not finish within {CellLimit}.{Environment.NewLine}{Transcript}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string PlainText(JsonNode? body) =>
        string.Concat(body?["formattedValues"]?.AsArray().Where(v => v?["mimeType"]?.GetValue<string>() == "text/plain").Select(v => v?["value"]?.GetValue<string>()) ?? []);

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 600 ? text : text[..600] + "…";
}

/// <summary>What one cell produced.</summary>
internal sealed class CellOutput
{
    public StringBuilder StdOut { get; } = new();

    public StringBuilder StdErr { get; } = new();

    /// <summary>Every formatted value displayed (all MIME types).</summary>
    public List<string> Displayed { get; } = [];

    /// <summary>The kernel's error message when the cell failed; null when it succeeded.</summary>
    public string? Failure { get; set; }
}
