namespace TorchTrainer.Tests.Native;

/// <summary>The explanation of a load failure, built from real files: the unpatched library in the NuGet cache and the system's libstdc++.</summary>
public sealed class TorchNativeLoadDiagnosisTests : IDisposable
{
    private const string LoaderError = "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by libLibTorchSharp.so)";

    private static readonly NotSupportedException TorchSharpError = new(
        "This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64, Version=2.10.0.0.\n\nTrace from LoadNativeBackend: ...");

    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Message_names_the_required_and_the_available_versions_and_both_files()
    {
        string library = NativeTestFiles.CacheLibTorchSharp;
        string libStdCxx = NativeTestFiles.SystemLibStdCxx;
        int newest = NativeTestFiles.NewestGlibcxxMinorOfSystem();

        string message = Describe(library, libStdCxx);

        if (newest < 32)
        {
            Assert.Contains($"Cause: {library} requires GLIBCXX_3.4.32 (GCC 13.2), but this system's libstdc++ ({libStdCxx}) provides versions only up to GLIBCXX_3.4.{newest}", message);
            Assert.Contains($"The system loader says: {LoaderError}", message);
            Assert.Contains("build the application with the TorchTrainer package", message);
            Assert.Contains("TorchSharpNativeFix", message);
            Assert.Contains("install a libstdc++ that provides GLIBCXX_3.4.32 (GCC 13.2 or newer", message);
            Assert.DoesNotContain("doesn't contain a reference", message); // TorchSharp's misleading words stay in the inner exception
        }
        else
        {
            Assert.Contains($"are all provided by {libStdCxx}, so the cause is elsewhere", message);
        }
    }

    [Fact]
    public void A_patched_library_is_not_blamed_on_libstdcxx()
    {
        string patched = _temp.File("libLibTorchSharp.so");
        File.Copy(NativeTestFiles.CacheLibTorchSharp, patched);
        ElfVersions.WriteWeakCopy(patched, ElfVersions.FindRequirementFlags(File.ReadAllBytes(patched), NativeTestFiles.WeakenedVersion));

        string message = Describe(patched, NativeTestFiles.SystemLibStdCxx);

        Assert.Contains($"The versions of libstdc++.so.6 that {patched} requires are all provided by {NativeTestFiles.SystemLibStdCxx}, so the cause is elsewhere.", message);
        Assert.Contains($"The system loader says: {LoaderError}", message);
        Assert.Contains("TorchSharp says: This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64, Version=2.10.0.0.", message);
    }

    [Fact]
    public void A_missing_library_is_reported_with_the_folders_searched()
    {
        string message = TorchNativeLoadDiagnosis.Describe(null, [_temp.Path, "/opt/app"], NativeTestFiles.SystemLibStdCxx, null, TorchSharpError);

        Assert.Contains($"libLibTorchSharp.so is in none of the application's native library folders ({_temp.Path}, /opt/app).", message);
        Assert.Contains("Reference the TorchSharp-cpu package", message);
    }

    [Fact]
    public void A_library_that_is_not_ELF_is_reported_as_unreadable()
    {
        string notElf = _temp.File("libLibTorchSharp.so");
        File.WriteAllText(notElf, "not a library");

        string message = Describe(notElf, NativeTestFiles.SystemLibStdCxx);

        Assert.Contains($"{notElf} cannot be read as an ELF library: it is not an ELF file (it does not start with the ELF magic bytes).", message);
    }

    private static string Describe(string library, string libStdCxx) =>
        TorchNativeLoadDiagnosis.Describe(library, [Path.GetDirectoryName(library)!], libStdCxx, LoaderError, TorchSharpError);
}
