using TorchTrainer.Migrate.Notebooks;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Conversion;

/// <summary>
/// A run of notebook text in one language: a markdown cell, or the part of a code cell (or of a <c>.dib</c> file)
/// between kernel selectors. <paramref name="Cell"/> is 1-based, as the notebook's UI counts cells.
/// </summary>
internal sealed record NotebookSection(int Cell, string Kernel, string Text);

/// <summary>Reads a notebook into its sections in order, with the kernel each one runs in.</summary>
internal static class NotebookSections
{
    public const string Markdown = "markdown";

    /// <summary>The sections of an <c>.ipynb</c> or <c>.dib</c>; throws <see cref="NotebookFormatException"/> for a malformed notebook.</summary>
    public static IReadOnlyList<NotebookSection> Read(TextFile file)
    {
        if (file.Path.EndsWith(".dib", StringComparison.OrdinalIgnoreCase))
        {
            return Split(file.Text, DibNotebook.DefaultKernel(file.Text), firstCell: 1, countSelectorsAsCells: true, Kernels.Connected([file.Text]));
        }

        var notebook = IpynbNotebook.Parse(file);
        var connected = Kernels.Connected(notebook.Cells.Where(c => c.CellType == "code").Select(c => c.Text));
        var sections = new List<NotebookSection>();
        foreach (var (index, cellType, text, kernel) in notebook.Cells)
        {
            if (cellType == "code")
            {
                sections.AddRange(Split(text, kernel ?? notebook.DefaultKernel ?? Kernels.CSharp, index + 1, countSelectorsAsCells: false, connected));
            }
            else if (text.Length > 0)
            {
                // Markdown and raw cells: the narrative, kept as comments.
                sections.Add(new NotebookSection(index + 1, Markdown, text));
            }
        }

        return sections;
    }

    /// <summary>
    /// Splits text at kernel selector lines (<c>#!csharp</c>, <c>#!fsharp</c>, <c>#!markdown</c> …). Magic commands
    /// (<c>#!time</c>) stay in their section. In a <c>.dib</c> every selector starts a new cell; <c>#!meta</c> sections
    /// (the notebook's metadata, not a cell) are dropped.
    /// </summary>
    private static List<NotebookSection> Split(string text, string baseKernel, int firstCell, bool countSelectorsAsCells, IReadOnlySet<string> connected)
    {
        var sections = new List<NotebookSection>();
        var kernel = baseKernel;
        var cell = firstCell;
        var current = new List<string>();
        var started = false;

        void Flush()
        {
            var body = string.Join('\n', current).Trim('\n', '\r');
            if (kernel != "meta" && body.Trim().Length > 0)
            {
                sections.Add(new NotebookSection(cell, kernel, body));
            }

            current.Clear();
        }

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) && Kernels.FromSelector(SelectorName(trimmed), connected) is { } selected)
            {
                Flush();
                if (countSelectorsAsCells && started && kernel != "meta")
                {
                    cell++;
                }

                started = true;
                kernel = selected;
                continue;
            }

            started |= countSelectorsAsCells && trimmed.Length > 0;
            current.Add(line);
        }

        Flush();
        return sections;
    }

    private static string SelectorName(string line)
    {
        var end = line.IndexOfAny([' ', '\t']);
        return end < 0 ? line[2..] : line[2..end];
    }
}
