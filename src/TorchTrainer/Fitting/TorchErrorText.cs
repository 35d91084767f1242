namespace TorchTrainer.Fitting;

/// <summary>Shortens TorchSharp's error messages for the trainer's own messages.</summary>
internal static class TorchErrorText
{
    /// <summary>The first line of a TorchSharp message (the rest is a C++ stack), ending with a full stop.</summary>
    public static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.EndsWith('.') ? line : line + ".";
    }
}
