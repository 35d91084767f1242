namespace TorchTrainer;

/// <summary>
/// TorchSharp's native library could not be loaded. The message names the real cause in plain words
/// (for example a C++ runtime on this system that is older than the one the library was built
/// against) and what to do; TorchSharp's own exception is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class TorchNativeLoadException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TorchNativeLoadException()
        : base("TorchSharp's native library could not be loaded.")
    {
    }

    /// <summary>Creates the exception with the given explanation.</summary>
    public TorchNativeLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the given explanation and TorchSharp's original exception.</summary>
    public TorchNativeLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
