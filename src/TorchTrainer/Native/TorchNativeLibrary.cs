using TorchSharp;

namespace TorchTrainer;

/// <summary>Loads TorchSharp's native library once per process, before TorchTrainer's first TorchSharp call.</summary>
internal static class TorchNativeLibrary
{
    // One attempt per process: once TorchSharp's type initializer has failed, every later TorchSharp
    // call fails too, so the outcome (null when the library loaded) is computed once and kept.
    private static readonly Lazy<LoadFailure?> Outcome = new(LoadOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Makes sure TorchSharp's native library is loaded; call it before the first TorchSharp use.
    /// Thread-safe and cheap after the first call.
    /// </summary>
    /// <exception cref="TorchNativeLoadException">The library cannot be loaded; the message says why and what to do.</exception>
    internal static void EnsureLoaded()
    {
        if (Outcome.Value is { } failure)
        {
            throw new TorchNativeLoadException(failure.Explanation, failure.TorchSharpError);
        }
    }

    private static LoadFailure? LoadOnce()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException
                                      or EntryPointNotFoundException or BadImageFormatException)
        {
            // TorchSharp throws from the type initializer of `torch`; its own exception is the inner one.
            Exception torchSharpError = e is TypeInitializationException { InnerException: { } inner } ? inner : e;
            return new LoadFailure(TorchNativeLoadDiagnosis.Explain(torchSharpError), torchSharpError);
        }
    }

    private sealed record LoadFailure(string Explanation, Exception TorchSharpError);
}
