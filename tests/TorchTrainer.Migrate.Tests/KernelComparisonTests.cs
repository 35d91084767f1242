using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TorchTrainer.TestSupport;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// The converted app against the real kernel: the same cells run by Microsoft.dotnet-interactive 1.0.712001 (the
/// .NET Interactive C# kernel, installed into a temp tool path and driven over its stdio protocol) and by
/// <c>dotnet run</c> on their conversion print the same text — cells declaring a variable and a class again, a
/// block local shadowing a top-level variable, trailing expressions, display(), .Display(), sequences.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class KernelComparisonTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static readonly string[] Cells =
    [
        "var t = 1;\nclass Box { public int V = 1; }\nConsole.WriteLine(t + new Box().V)",
        "var t = \"two\";\nclass Box { public string V = \"-box\"; }\nConsole.WriteLine(t + new Box().V);",
        "var lengths = new[] { \"a\" }.Select(t => t.Length);\nfor (var i = 0; i < 1; i++) { var t = 5; Console.WriteLine(t * 2); }\nt.Length",
        "var data = new[] { 1.5, 2.25 };\nvar half = 0.5;\nhalf",
        "display(1e-7);\n\"hello\".Display();\ndata",
        "display(new[] { 0.5, 1e-7 });\ndisplay(true);\ndisplay((string)null);\n'c'",
        "Console.WriteLine(\"bye\")",
    ];

    [Fact]
    public async Task The_converted_app_prints_what_the_kernel_printed_and_displayed()
    {
        using var dir = new TempDir();
        var tools = Path.Combine(dir.Path, "tools");
        ChildProcess.Run(ChildProcess.Dotnet(), dir.Path,
            ["tool", "install", "Microsoft.dotnet-interactive", "--version", "1.0.712001", "--tool-path", tools], new Dictionary<string, string>(), Limit, expectSuccess: true);
        var kernel = await RunKernelAsync(Path.Combine(tools, "dotnet-interactive"), dir.Path);
        Assert.Equal("2\ntwo-box\n10\n3\n0.5\n1E-07\nhello\n[ 1.5, 2.25 ]\n[ 0.5, 1E-07 ]\nTrue\n<null>\nc\nbye\n", kernel);

        dir.Write("cells.ipynb", ToFileBasedTests.Ipynb([.. Cells.Select(c => ("csharp", c))]));
        var convert = await Tool.RunAsync(dir.Path, "--to-file-based", "cells.ipynb");
        Assert.True(convert.ExitCode == 0, convert.ToString());
        var app = ChildProcess.Run(ChildProcess.Dotnet(), dir.Path, ["run", "cells.cs"], new Dictionary<string, string>(), Limit, expectSuccess: true);

        Assert.Equal(kernel, app.StdOut.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    /// <summary>Submits each cell to the kernel (stdio protocol) and returns its standard output and plain-text displays, in order.</summary>
    private static async Task<string> RunKernelAsync(string tool, string folder)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "stdio", "--default-kernel", "csharp" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(Limit);
        var printed = new StringBuilder();
        try
        {
            for (var i = 0; i < Cells.Length; i++)
            {
                var token = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var envelope = JsonSerializer.Serialize(new { commandType = "SubmitCode", command = new { code = Cells[i], targetKernelName = "csharp" }, token });
                await process.StandardInput.WriteLineAsync(envelope);
                await process.StandardInput.FlushAsync();
                while (await process.StandardOutput.ReadLineAsync(guard.Token) is { } line)
                {
                    if (!line.StartsWith('{'))
                    {
                        continue;
                    }

                    using var json = JsonDocument.Parse(line);
                    var type = json.RootElement.TryGetProperty("eventType", out var t) ? t.GetString() : null;
                    var e = type is null ? default : json.RootElement.GetProperty("event");
                    if (type is "CommandFailed")
                    {
                        Assert.Fail($"the kernel failed cell {i + 1}: {e.GetProperty("message").GetString()}");
                    }

                    if (type is "CommandSucceeded" && Token(json.RootElement, e) == token)
                    {
                        break;
                    }

                    if (type is "StandardOutputValueProduced" or "ReturnValueProduced" or "DisplayedValueProduced")
                    {
                        var text = PlainText(e.GetProperty("formattedValues"));
                        printed.Append(type == "StandardOutputValueProduced" ? text : text + "\n");
                    }
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        return printed.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The token of the command an event answers (on the envelope or inside the event, by protocol version).</summary>
    private static string? Token(JsonElement envelope, JsonElement e)
    {
        foreach (var holder in new[] { envelope, e })
        {
            if (holder.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.Object
                && command.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String)
            {
                return token.GetString();
            }
        }

        return null;
    }

    /// <summary>The text/plain value, else the text inside the HTML formatter's &lt;pre&gt; (how it shows plain values).</summary>
    private static string PlainText(JsonElement values)
    {
        var byType = values.EnumerateArray().ToDictionary(v => v.GetProperty("mimeType").GetString()!, v => v.GetProperty("value").GetString()!);
        if (byType.TryGetValue("text/plain", out var plain))
        {
            return plain;
        }

        var pre = Pre().Match(byType.GetValueOrDefault("text/html", ""));
        Assert.True(pre.Success, $"no plain text in the kernel's output: {string.Join(", ", byType.Keys)}");
        return WebUtility.HtmlDecode(pre.Groups[1].Value);
    }

    [GeneratedRegex("<pre>(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex Pre();
}
