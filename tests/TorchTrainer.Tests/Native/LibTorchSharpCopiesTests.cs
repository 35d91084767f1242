namespace TorchTrainer.Tests.Native;

/// <summary>The package's copy of libLibTorchSharp.so stays as shipped; the build's output copy is patched exactly where the system needs it.</summary>
public class LibTorchSharpCopiesTests
{
    [Fact]
    public void NuGet_cache_copy_requires_GLIBCXX_3_4_32_as_a_non_weak_requirement()
    {
        ElfVersionRequirement requirement = Requirement(NativeTestFiles.CacheLibTorchSharp);

        Assert.Equal("libstdc++.so.6", requirement.Library);
        Assert.False(requirement.IsWeak, $"{NativeTestFiles.CacheLibTorchSharp} must stay unpatched.");
    }

    [Fact]
    public void Output_copy_requires_GLIBCXX_3_4_32_weakly_exactly_when_the_system_lacks_it()
    {
        ElfVersionRequirement requirement = Requirement(NativeTestFiles.OutputLibTorchSharp);

        // On this project's machines (Debian 12: GLIBCXX_3.4.30) the build must have patched it; on a newer system it must not have.
        Assert.Equal(NativeTestFiles.SystemNeedsPatch, requirement.IsWeak);
    }

    [Fact]
    public void Output_copy_differs_from_the_cache_copy_in_that_flag_only()
    {
        byte[] cache = File.ReadAllBytes(NativeTestFiles.CacheLibTorchSharp);
        byte[] output = File.ReadAllBytes(NativeTestFiles.OutputLibTorchSharp);

        int[] differences = Enumerable.Range(0, cache.Length).Where(i => cache[i] != output[i]).ToArray();

        Assert.Equal(cache.Length, output.Length);
        Assert.Equal(NativeTestFiles.SystemNeedsPatch ? 1 : 0, differences.Length);
        if (differences.Length == 1)
        {
            Assert.Equal(ElfVersions.FindRequirementFlags(cache, NativeTestFiles.WeakenedVersion), differences[0]);
            Assert.Equal(cache[differences[0]] | 0x2, output[differences[0]]);
        }
    }

    [Fact]
    public void Other_requirements_of_the_output_copy_are_unchanged()
    {
        var cache = ElfVersionInfo.Read(NativeTestFiles.CacheLibTorchSharp).Requirements;
        var output = ElfVersionInfo.Read(NativeTestFiles.OutputLibTorchSharp).Requirements;

        Assert.Equal(cache.Where(r => r.Version != NativeTestFiles.WeakenedVersion), output.Where(r => r.Version != NativeTestFiles.WeakenedVersion));
        Assert.All(cache, r => Assert.False(r.IsWeak));
    }

    private static ElfVersionRequirement Requirement(string library) =>
        Assert.Single(ElfVersionInfo.Read(library).Requirements, r => r.Version == NativeTestFiles.WeakenedVersion);
}
