namespace TorchTrainer.Migrate.Output;

/// <summary>An input, or a part of one, that the run could not analyse completely, and why.</summary>
/// <param name="Input">The project, file-based app or notebook (as displayed), with the part when it is only a part.</param>
/// <param name="Reason">The cause, in words that name what to do about it.</param>
internal sealed record NotAnalysed(string Input, string Reason);
