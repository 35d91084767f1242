namespace TorchTrainer.Migrate.Notebooks;

/// <summary>A notebook that cannot be read (malformed JSON, not a notebook). The message names the problem.</summary>
internal sealed class NotebookFormatException(string message) : Exception(message);
