using System.Text.Json;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>
/// A Polyglot <c>.dib</c> notebook: plain text whose cells start at <c>#!csharp</c>, <c>#!markdown</c>, <c>#!pwsh</c> …
/// lines (and an optional <c>#!meta</c> JSON section naming the default kernel). The whole file is one piece of
/// the script; everything that is not C# is blanked, so lines map one to one.
/// </summary>
internal sealed class DibNotebook : INotebook
{
    private DibNotebook(TextFile file, NotebookScript script)
    {
        File = file;
        Script = script;
    }

    public TextFile File { get; }
    public NotebookScript Script { get; }

    public static DibNotebook Parse(TextFile file) =>
        new(file, NotebookScript.Build([(0, file.Text, DefaultKernel(file.Text))]));

    /// <summary>The kernel of lines before the first selector: the <c>#!meta</c> section's default kernel, else C#.</summary>
    internal static string DefaultKernel(string text)
    {
        // "#!meta" followed by {"kernelInfo":{"defaultKernelName":"csharp", ...}} up to the next "#!" line.
        var lines = text.Split('\n');
        var meta = Array.FindIndex(lines, l => l.TrimEnd('\r').Trim() == "#!meta");
        if (meta >= 0)
        {
            var json = string.Join('\n', lines.Skip(meta + 1).TakeWhile(l => !l.TrimStart().StartsWith("#!", StringComparison.Ordinal)));
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("kernelInfo", out var info) && info.ValueKind == JsonValueKind.Object
                    && info.TryGetProperty("defaultKernelName", out var name) && name.ValueKind == JsonValueKind.String
                    && Kernels.FromMetadata(name.GetString()) is { } kernel)
                {
                    return kernel;
                }
            }
            catch (JsonException)
            {
                // An unreadable #!meta section: fall back to C#, the default of .dib files.
            }
        }

        return Kernels.CSharp;
    }

    public string WithCells(IReadOnlyDictionary<int, string> newCellTexts) =>
        newCellTexts.TryGetValue(0, out var text) ? text : File.Text;

    public (int FileLine, string Detail) Locate(int cellIndex, int lineInCell) => (lineInCell + 1, $"line {lineInCell + 1}");
}
