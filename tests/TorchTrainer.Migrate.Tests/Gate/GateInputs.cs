using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchTrainer.Migrate.Tests.Fixtures;
using TorchTrainer.TestSupport;

namespace TorchTrainer.Migrate.Tests.Gate;

/// <summary>Inputs for the CI-gate tests (issue 8): notebooks written as Jupyter writes them, and a view of a folder's files.</summary>
internal static class GateInputs
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The legacy cell code on the real TorchTrainer, and what the shipped fixes make of it.</summary>
    public const string LegacyUse = "Console.WriteLine(r.LossHistory[^1]);";

    public const string MigratedUse = "Console.WriteLine(r.FinalLoss);";

    public static string Results => $"var r = {RealTorchTrainer.TwoEpochResults};";

    /// <summary>A C# .ipynb (kernelspec .net-csharp) with one code cell per argument, sources split into lines as Jupyter does.</summary>
    public static string Ipynb(params string[] cells) => JsonSerializer.Serialize(new
    {
        cells = cells.Select(c => new { cell_type = "code", execution_count = (int?)null, metadata = new { }, outputs = Array.Empty<object>(), source = Lines(c) }),
        metadata = new { kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" } },
        nbformat = 4,
        nbformat_minor = 2,
    }, Json) + "\n";

    /// <summary>The code cells' sources of an .ipynb, read back with System.Text.Json.</summary>
    public static List<string> Cells(string ipynb)
    {
        using var document = JsonDocument.Parse(ipynb);
        return document.RootElement.GetProperty("cells").EnumerateArray()
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString()))).ToList();
    }

    private static string[] Lines(string text)
    {
        var lines = text.Split('\n');
        return lines.Select((l, i) => i < lines.Length - 1 ? l + "\n" : l).Where(l => l.Length > 0).ToArray();
    }

    /// <summary>
    /// Every folder, file and link under <paramref name="folder"/> (links not followed: some tests hold link loops) with
    /// its content hash and mode or link target; folders whose name <paramref name="skip"/> accepts are left out whole.
    /// </summary>
    public static SortedDictionary<string, string> Snapshot(string folder, Func<string, bool>? skip = null)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(current))
            {
                var info = new FileInfo(entry);
                var key = Path.GetRelativePath(folder, entry);
                if (info.LinkTarget is { } target)
                {
                    result[key] = "-> " + target;
                }
                else if (Directory.Exists(entry))
                {
                    if (skip?.Invoke(Path.GetFileName(entry)) != true)
                    {
                        result[key + "/"] = "folder";
                        pending.Push(entry);
                    }
                }
                else
                {
                    result[key] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry))) + " " + info.UnixFileMode;
                }
            }
        }

        return result;
    }
}

/// <summary>
/// A folder beside a test's root ("ROOT.outside", a sibling of it) holding legacy code the tool must never touch — a
/// notebook, a .dib, a file-based app and a C# file — for the issue-8 check that nothing outside the root changes.
/// <see cref="AssertUntouched"/> compares it with how it was made; disposing deletes it.
/// </summary>
internal sealed class Bystander : IDisposable
{
    private readonly SortedDictionary<string, string> _before;

    public Bystander(string root)
    {
        Path = System.IO.Path.TrimEndingDirectorySeparator(root) + ".outside";
        Directory.CreateDirectory(Path);
        File.WriteAllText(System.IO.Path.Combine(Path, "report.ipynb"), GateInputs.Ipynb($"{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{GateInputs.Results}", GateInputs.LegacyUse));
        File.WriteAllText(System.IO.Path.Combine(Path, "report.dib"), $"#!csharp\n\n{RealTorchTrainer.NotebookReference}\nusing TorchTrainer;\n{GateInputs.Results}\n{GateInputs.LegacyUse}\n");
        File.WriteAllText(System.IO.Path.Combine(Path, "app.cs"), $"{RealTorchTrainer.PackageDirective}\nusing TorchTrainer;\n{GateInputs.Results}\n{GateInputs.LegacyUse}\n");
        File.WriteAllText(System.IO.Path.Combine(Path, "Legacy.cs"), "public static class Legacy { public static double L(TorchTrainer.TrainingResults r) => r.LossHistory[^1]; }\n");
        _before = GateInputs.Snapshot(Path);
    }

    public string Path { get; }

    public void AssertUntouched() => Assert.Equal(_before, GateInputs.Snapshot(Path));

    public void Dispose()
    {
        FileBasedAppArtifacts.DeleteFor(Path);
        Directory.Delete(Path, recursive: true);
    }
}
