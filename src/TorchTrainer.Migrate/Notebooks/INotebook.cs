using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Notebooks;

/// <summary>A notebook file (.ipynb or .dib) as the tool sees it: C# cells as one script, rewritten cell by cell.</summary>
internal interface INotebook
{
    TextFile File { get; }

    NotebookScript Script { get; }

    /// <summary>The file's new text with the given cells' new text; everything else byte-for-byte.</summary>
    string WithCells(IReadOnlyDictionary<int, string> newCellTexts);

    /// <summary>1-based line in the file of 0-based line <paramref name="lineInCell"/> of cell <paramref name="cellIndex"/>, and a description ("cell 3, line 2").</summary>
    (int FileLine, string Detail) Locate(int cellIndex, int lineInCell);
}
