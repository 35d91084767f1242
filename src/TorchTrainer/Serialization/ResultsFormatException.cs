namespace TorchTrainer;

/// <summary>
/// A results.json text that TorchTrainer cannot read: not JSON (for example a truncated file), not a
/// results file, a newer major schema than this version reads, or a value of the wrong shape.
/// The message says what is wrong and where; <see cref="JsonPath"/> and <see cref="FilePath"/> carry
/// the same location for programs.
/// </summary>
public sealed class ResultsFormatException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ResultsFormatException()
        : base("The text is not a TorchTrainer results file.")
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong.</summary>
    public ResultsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public ResultsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ResultsFormatException(string message, string? jsonPath, string? filePath, Exception? innerException)
        : base(message, innerException)
    {
        JsonPath = jsonPath;
        FilePath = filePath;
    }

    /// <summary>Where in the document the problem is, as a JSON path such as <c>$.metrics_summary.rows[3][1]</c>; null when it is the text as a whole.</summary>
    public string? JsonPath { get; }

    /// <summary>The file that was read, when the text came from <see cref="TrainingResults.Load"/>; otherwise null.</summary>
    public string? FilePath { get; }
}
