namespace TorchTrainer;

/// <summary>
/// Thrown in strict mode (the v4.5 behaviour) when code reads a legacy v3 results member or key.
/// The message names the replacement and the command that rewrites the code.
/// </summary>
public sealed class LegacyApiException : NotSupportedException
{
    /// <summary>Creates the exception with a message that says what to use instead.</summary>
    public LegacyApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public LegacyApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
