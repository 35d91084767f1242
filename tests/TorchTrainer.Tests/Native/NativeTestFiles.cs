using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TorchTrainer.Tests.Native;

/// <summary>The real files the native tests read: TorchSharp's library in the NuGet cache and in this test's output, and the system's libstdc++.</summary>
internal static class NativeTestFiles
{
    internal const string WeakenedVersion = "GLIBCXX_3.4.32";
    private const string RelativeLibraryPath = "runtimes/linux-x64/native/libLibTorchSharp.so";

    /// <summary>The copy the build wrote to this test's output folder (patched where the system needs it).</summary>
    internal static string OutputLibTorchSharp => Existing(Path.Combine(AppContext.BaseDirectory, RelativeLibraryPath));

    /// <summary>The package's own copy in the NuGet cache, found through the restore's package root and the package folder in this test's deps.json.</summary>
    internal static string CacheLibTorchSharp
    {
        get
        {
            string packageRoot = typeof(NativeTestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "NuGetPackageRoot").Value!;
            string depsFile = Path.Combine(AppContext.BaseDirectory, typeof(NativeTestFiles).Assembly.GetName().Name + ".deps.json");
            using JsonDocument deps = JsonDocument.Parse(File.ReadAllText(depsFile));
            string packageFolder = deps.RootElement.GetProperty("libraries").EnumerateObject()
                .Single(library => library.Name.StartsWith("TorchSharp/", StringComparison.Ordinal))
                .Value.GetProperty("path").GetString()!;
            return Existing(Path.Combine(packageRoot, packageFolder, RelativeLibraryPath));
        }
    }

    /// <summary>The libstdc++ the build task checks (through ldconfig -p).</summary>
    internal static string SystemLibStdCxx => ElfVersions.FindSystemLibrary("libstdc++.so.6")
        ?? throw new FileNotFoundException("libstdc++.so.6 was not found on this system.");

    /// <summary>The newest GLIBCXX_3.4.N that the system's libstdc++ names, found by a plain byte search (independent of the ELF readers under test).</summary>
    internal static int NewestGlibcxxMinorOfSystem()
    {
        string text = Encoding.Latin1.GetString(File.ReadAllBytes(SystemLibStdCxx));
        return Regex.Matches(text, @"GLIBCXX_3\.4\.(\d+)\0").Max(m => int.Parse(m.Groups[1].Value));
    }

    /// <summary>Whether the build must patch on this machine: its libstdc++ lacks GLIBCXX_3.4.32.</summary>
    internal static bool SystemNeedsPatch => NewestGlibcxxMinorOfSystem() < 32;

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Expected TorchSharp's native library at {path}.", path);
}
