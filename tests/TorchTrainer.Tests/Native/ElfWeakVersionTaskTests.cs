using System.Runtime.InteropServices;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace TorchTrainer.Tests.Native;

/// <summary>The build task of build/ElfWeakVersionTask.cs, run on copies of the real library in a temp folder.</summary>
public sealed class ElfWeakVersionTaskTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Patch_sets_exactly_the_weak_flag_of_GLIBCXX_3_4_32()
    {
        string library = CopyOfCacheLibrary();
        byte[] before = File.ReadAllBytes(library);
        DateTime stamp = File.GetLastWriteTimeUtc(library);

        (bool ok, RecordingBuildEngine log) = Run(library, force: true);

        byte[] after = File.ReadAllBytes(library);
        long flags = ElfVersions.FindRequirementFlags(before, NativeTestFiles.WeakenedVersion);
        Assert.True(ok);
        Assert.Equal(before.Length, after.Length);
        Assert.Equal([flags], Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).Select(i => (long)i));
        Assert.Equal(before[flags] | 0x2, after[flags]);
        Assert.True(Assert.Single(ElfVersionInfo.Read(library).Requirements, r => r.Version == NativeTestFiles.WeakenedVersion).IsWeak);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(library)); // so that MSBuild's Copy does not overwrite it next build
        Assert.Empty(log.Warnings);
        BuildMessageEventArgs message = Assert.Single(log.Messages, m => m.Importance == MessageImportance.Normal);
        Assert.Contains($"marked the {NativeTestFiles.WeakenedVersion} requirement of {library} as weak", message.Message);
        Assert.Single(Directory.GetFiles(_temp.Path)); // no temp file left behind
    }

    [Fact]
    public void Patch_is_idempotent()
    {
        string library = CopyOfCacheLibrary();
        Run(library, force: true);
        byte[] once = File.ReadAllBytes(library);
        DateTime stamp = File.GetLastWriteTimeUtc(library);

        (bool ok, RecordingBuildEngine log) = Run(library, force: true);

        Assert.True(ok);
        Assert.Equal(once, File.ReadAllBytes(library));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(library));
        Assert.DoesNotContain(log.Messages, m => m.Importance == MessageImportance.Normal);
        Assert.Contains(log.Messages, m => m.Message!.Contains("already a weak requirement"));
    }

    [Fact]
    public void Without_force_the_patch_follows_the_system_libstdcxx()
    {
        string library = CopyOfCacheLibrary();

        Run(library, force: false);

        bool weak = Assert.Single(ElfVersionInfo.Read(library).Requirements, r => r.Version == NativeTestFiles.WeakenedVersion).IsWeak;
        Assert.Equal(NativeTestFiles.SystemNeedsPatch, weak);
        Assert.Equal(!NativeTestFiles.SystemNeedsPatch, ElfVersions.DefinesVersion(File.ReadAllBytes(NativeTestFiles.SystemLibStdCxx), NativeTestFiles.WeakenedVersion));
    }

    [Fact]
    public void Patch_replaces_a_hard_link_instead_of_writing_through_it()
    {
        string original = CopyOfCacheLibrary("original.so");
        string linked = _temp.File("libLibTorchSharp.so");
        Assert.Equal(0, link(original, linked));
        byte[] before = File.ReadAllBytes(original);

        Run(linked, force: true);

        Assert.Equal(before, File.ReadAllBytes(original));
        Assert.False(Weak(original));
        Assert.True(Weak(linked));
    }

    [Fact]
    public void Patch_replaces_a_symbolic_link_instead_of_writing_through_it()
    {
        string original = CopyOfCacheLibrary("original.so");
        string linked = _temp.File("libLibTorchSharp.so");
        File.CreateSymbolicLink(linked, original);
        byte[] before = File.ReadAllBytes(original);

        Run(linked, force: true);

        Assert.Equal(before, File.ReadAllBytes(original));
        Assert.Null(new FileInfo(linked).LinkTarget);
        Assert.True(Weak(linked));
    }

    [Fact]
    public void A_non_ELF_file_is_left_alone_with_a_clear_warning_and_the_build_goes_on()
    {
        string notElf = _temp.File("libLibTorchSharp.so");
        File.WriteAllText(notElf, "version https://git-lfs.github.com/spec/v1\n");
        byte[] before = File.ReadAllBytes(notElf);

        (bool ok, RecordingBuildEngine log) = Run(notElf, force: true);

        Assert.True(ok);
        Assert.Empty(log.Errors);
        BuildWarningEventArgs warning = Assert.Single(log.Warnings);
        Assert.Equal("TTN0001", warning.Code);
        Assert.Equal($"TorchSharpNativeFix: left {notElf} unchanged: it is not an ELF file (it does not start with the ELF magic bytes). If TorchSharp then fails to load, TorchTrainer's error message names the cause.", warning.Message);
        Assert.Equal(before, File.ReadAllBytes(notElf));
    }

    [Fact]
    public void A_truncated_library_is_left_alone_with_a_clear_warning()
    {
        string truncated = _temp.File("libLibTorchSharp.so");
        File.WriteAllBytes(truncated, File.ReadAllBytes(NativeTestFiles.CacheLibTorchSharp)[..4096]);

        (bool ok, RecordingBuildEngine log) = Run(truncated, force: true);

        Assert.True(ok);
        Assert.Contains("truncated or damaged", Assert.Single(log.Warnings).Message);
        Assert.Equal(4096, new FileInfo(truncated).Length);
    }

    [Fact]
    public void Missing_files_are_skipped_silently()
    {
        (bool ok, RecordingBuildEngine log) = Run(_temp.File("libLibTorchSharp.so"), force: true);

        Assert.True(ok);
        Assert.Empty(log.Warnings);
        Assert.Empty(log.Messages);
    }

    [Fact]
    public void The_reader_names_the_problem_of_a_non_ELF_file()
    {
        var error = Assert.Throws<InvalidDataException>(() => ElfVersions.FindRequirementFlags("not an ELF file at all, but long enough to have a header......."u8.ToArray(), NativeTestFiles.WeakenedVersion));
        Assert.Equal("it is not an ELF file (it does not start with the ELF magic bytes).", error.Message);
    }

    private string CopyOfCacheLibrary(string name = "libLibTorchSharp.so")
    {
        string copy = _temp.File(name);
        File.Copy(NativeTestFiles.CacheLibTorchSharp, copy);
        return copy;
    }

    private static (bool Ok, RecordingBuildEngine Log) Run(string library, bool force)
    {
        var engine = new RecordingBuildEngine();
        var task = new ElfWeakVersionTask
        {
            BuildEngine = engine,
            Files = [new TaskItem(library)],
            VersionName = NativeTestFiles.WeakenedVersion,
            ProviderSoname = "libstdc++.so.6",
            Force = force,
        };
        return (task.Execute(), engine);
    }

    private static bool Weak(string library) =>
        Assert.Single(ElfVersionInfo.Read(library).Requirements, r => r.Version == NativeTestFiles.WeakenedVersion).IsWeak;

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string newLink);
}
