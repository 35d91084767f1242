namespace TorchTrainer.Tests.Native;

/// <summary>
/// Where TorchTrainer makes an application's first TorchSharp call and no backend package brought libtorch,
/// <see cref="TorchNativeLoadException"/> gives the build warning's advice (TTN0003) instead of TorchSharp's words.
/// </summary>
public sealed class NoBackendDiagnosisTests : IDisposable
{
    private static readonly NotSupportedException TorchSharpError = new(
        "The libtorch-cpu-linux-x64 package version 2.10.0.0 is not restored on this system.\nTrace from LoadNativeBackend: ...");

    private readonly DirectoryInfo _app = Directory.CreateTempSubdirectory("no-backend-");

    public void Dispose() => _app.Delete(recursive: true);

    [Fact]
    public void Folders_without_libtorch_are_explained_as_a_missing_backend_with_the_command_to_add_one()
    {
        File.WriteAllText(Path.Combine(_app.FullName, "libLibTorchSharp.so"), "TorchSharp's own library, from the TorchSharp package");

        var message = TorchNativeLoadDiagnosis.Explain([_app.FullName], TorchSharpError);

        Assert.StartsWith("TorchSharp cannot load its native library: the application references no TorchSharp backend", message);
        Assert.Contains($"libtorch is in none of its native library folders ({_app.FullName})", message);
        Assert.Contains("run 'dotnet add package TorchSharp-cpu'", message);
        Assert.Contains("TorchSharp-cuda-linux or TorchSharp-cuda-windows", message);
        Assert.Contains("TorchSharp says: The libtorch-cpu-linux-x64 package version 2.10.0.0 is not restored on this system.", message);
    }

    [Theory]
    [InlineData("libtorch_cpu.so")]
    [InlineData("torch_cpu.dll")]
    [InlineData("libtorch_cpu.dylib")]
    public void A_folder_with_libtorch_is_not_called_a_missing_backend(string libtorch)
    {
        File.WriteAllText(Path.Combine(_app.FullName, libtorch), "");

        Assert.DoesNotContain("references no TorchSharp backend", TorchNativeLoadDiagnosis.Explain([_app.FullName], TorchSharpError));
    }
}
