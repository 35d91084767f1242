namespace TorchTrainer.Tests.Native;

/// <summary>
/// The README's promise "if loading still fails, TorchTrainer throws TorchNativeLoadException stating the real cause",
/// on a real application: the checkpoint writer (it builds its model with nn.Linear, then trains) run from a copy of its
/// output whose libLibTorchSharp.so is not a library.
/// </summary>
public sealed class TorchNativeLoadFailureTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2); // a hang guard, not a timing assertion

    /// <summary>
    /// Fails today: every TorchSharp module calls into the native library when it is constructed, so an application's
    /// first TorchSharp call is its model, before any Trainer exists; TorchSharp's own misleading TypeInitializationException
    /// ("doesn't contain a reference to libtorch-cpu-linux-x64") reaches the user and TorchNativeLoadException is never
    /// thrown. Skipped until the runtime explains the failure where the application first meets it.
    /// </summary>
    [Fact(Skip = "Known gap: TorchNativeLoadException is unreachable when the model is built before the Trainer (always); see the summary")]
    public void An_application_whose_native_library_cannot_load_fails_with_TorchNativeLoadException_naming_the_file()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var copy = new TempDir();
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
        {
            File.Copy(file, copy.File(Path.GetFileName(file)));
        }

        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory, "TorchTrainer.Tests.CheckpointWriter.*.json"))
        {
            File.Copy(file, copy.File(Path.GetFileName(file)));
        }

        var library = copy.Write(Path.Combine("runtimes", "linux-x64", "native", "libLibTorchSharp.so"), "not a library");

        var run = ChildProcess.Run(ChildProcess.Dotnet(), copy.Path, ["TorchTrainer.Tests.CheckpointWriter.dll", copy.File("checkpoints"), "1000"],
            new Dictionary<string, string>(), Limit, expectSuccess: false);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("TorchTrainer.TorchNativeLoadException: TorchSharp cannot load its native library.", run.StdErr);
        Assert.Contains($"{library} cannot be read as an ELF library", run.StdErr);
    }
}
