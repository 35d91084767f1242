using System.Runtime.InteropServices;
using System.Text;

namespace TorchTrainer;

/// <summary>
/// Finds out why TorchSharp's native library did not load and says it in plain words. TorchSharp
/// itself reports every load failure as a missing package reference, and the loader's own reason
/// (such as "version `GLIBCXX_3.4.32' not found") appears nowhere in its message.
/// </summary>
internal static class TorchNativeLoadDiagnosis
{
    internal const string LibraryFileName = "libLibTorchSharp.so";
    private const string LibStdCxx = "libstdc++.so.6";

    // The one requirement that build/TorchSharpNativeFix.targets marks weak in the output copy.
    private const string VersionTheBuildFixes = "GLIBCXX_3.4.32";

    /// <summary>Explains a load failure in this process: which library the runtime tried, which libstdc++ it runs with, and what the loader says.</summary>
    internal static string Explain(Exception torchSharpError) => Explain(NativeLibraryFolders(), torchSharpError);

    /// <summary>Explains a load failure given the folders the runtime searches for native libraries.</summary>
    internal static string Explain(IReadOnlyList<string> folders, Exception torchSharpError)
    {
        if (!folders.Any(folder => BackendLibraries.Any(file => File.Exists(Path.Combine(folder, file)))))
        {
            return NoBackend(folders, torchSharpError);
        }

        if (!OperatingSystem.IsLinux())
        {
            return $"TorchSharp cannot load its native library. TorchSharp says: {FirstLine(torchSharpError.Message)}";
        }
        string? library = folders.Select(folder => Path.Combine(folder, LibraryFileName)).FirstOrDefault(File.Exists);
        string? loaderError = library is null ? null : LoaderErrorFor(library);
        return Describe(library, folders, FindLibStdCxx(), loaderError, torchSharpError);
    }

    // libtorch's CPU library, which every backend package (TorchSharp-cpu, TorchSharp-cuda-*, libtorch-*) ships, per OS.
    private static readonly string[] BackendLibraries = ["libtorch_cpu.so", "torch_cpu.dll", "libtorch_cpu.dylib"];

    /// <summary>
    /// What to do when no backend is referenced: the same words as the build warning TTN0003 of the package's
    /// buildTransitive/TorchTrainer.targets (TorchTrainer depends on TorchSharp only; the application picks the backend).
    /// </summary>
    private static string NoBackend(IReadOnlyList<string> searchedFolders, Exception torchSharpError)
    {
        var text = new StringBuilder("TorchSharp cannot load its native library: the application references no TorchSharp backend, ")
            .Append($"so libtorch is in none of its native library folders ({string.Join(", ", searchedFolders)}). ")
            .Append("TorchTrainer depends on TorchSharp (managed code only) and the application references exactly one backend package: ")
            .Append("for the CPU run 'dotnet add package TorchSharp-cpu' in the application's project folder; ")
            .Append("for NVIDIA GPUs reference TorchSharp-cuda-linux or TorchSharp-cuda-windows instead, or a libtorch-* package of your choice. ")
            .Append("Then build and run the application again.");
        return AppendTorchSharpSaid(text, torchSharpError);
    }

    /// <summary>Builds the explanation from the given files: <paramref name="library"/> (null when not found in <paramref name="searchedFolders"/>) and the system's <paramref name="libStdCxx"/>.</summary>
    internal static string Describe(string? library, IReadOnlyList<string> searchedFolders, string? libStdCxx, string? loaderError, Exception torchSharpError)
    {
        var text = new StringBuilder("TorchSharp cannot load its native library.");
        if (library is null)
        {
            text.Append($" {LibraryFileName} is in none of the application's native library folders ({string.Join(", ", searchedFolders)}).")
                .Append(" Reference the TorchSharp-cpu package from the application project (it brings libtorch-cpu-linux-x64) and run the application from its build or publish output.");
            return AppendTorchSharpSaid(text, torchSharpError);
        }

        ElfVersionInfo libraryVersions;
        try
        {
            libraryVersions = ElfVersionInfo.Read(library);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            text.Append($" {library} cannot be read as an ELF library: {e.Message} Delete the application's bin and obj folders and build it again.");
            return AppendTorchSharpSaid(AppendLoaderSaid(text, loaderError), torchSharpError);
        }

        IReadOnlyList<string>? provided = ReadDefinitions(libStdCxx);
        List<string> missing = libraryVersions.Requirements
            .Where(r => r.Library == LibStdCxx && !r.IsWeak && provided is not null && !provided.Contains(r.Version))
            .Select(r => r.Version)
            .ToList();
        if (missing.Count == 0)
        {
            text.Append(provided is null
                ? $" {LibStdCxx} was not found or could not be read, so its versions could not be checked against those {library} requires."
                : $" The versions of {LibStdCxx} that {library} requires are all provided by {libStdCxx}, so the cause is elsewhere.");
            return AppendTorchSharpSaid(AppendLoaderSaid(text, loaderError), torchSharpError);
        }

        string requirement = missing.MaxBy(VersionOf)!;
        string newest = NewestGlibcxx(provided!) is { } version ? $"versions only up to {version}{InParentheses(GccRelease(version))}" : "no GLIBCXX versions";
        text.AppendLine()
            .Append($"Cause: {library} requires {string.Join(" and ", missing)}{InParentheses(GccRelease(requirement))}, ")
            .Append($"but this system's libstdc++ ({libStdCxx}) provides {newest}.");
        AppendLoaderSaid(text, loaderError);
        text.AppendLine().Append("To fix it, either:");
        if (missing.SequenceEqual([VersionTheBuildFixes]))
        {
            text.AppendLine()
                .Append($"- build the application with the TorchTrainer package (or this repository's build/TorchSharpNativeFix.targets): the build marks the {VersionTheBuildFixes} requirement as weak in the output copy of {LibraryFileName}, which this system then loads (the one symbol of that version is not actually used). ")
                .Append("The copy above has not been marked: run the application from the output of 'dotnet build', 'dotnet run', 'dotnet test' or 'dotnet publish' made on this machine, whose log then shows a TorchSharpNativeFix line, and check that the MSBuild property TorchSharpNativeFix is not 'never' (set it to 'always' when the output is built on a newer system); or");
        }
        string newer = GccRelease(requirement) is { } gcc ? $" (GCC {gcc} or newer, e.g. that of Debian 13 or Ubuntu 24.04)" : "";
        text.AppendLine().Append($"- install a libstdc++ that provides {string.Join(" and ", missing)}{newer}.");
        text.AppendLine().Append("TorchSharp's own message, which wrongly blames a missing package reference, is the inner exception.");
        return text.ToString();
    }

    // The folders the runtime searches for native libraries (from the app's deps.json), then the app folder.
    private static IReadOnlyList<string> NativeLibraryFolders()
    {
        var folders = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        folders.Add(AppContext.BaseDirectory);
        folders.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"));
        return folders.Select(Path.GetFullPath).Distinct().ToList();
    }

    // The libstdc++ this process has loaded (the .NET runtime uses it too), else the one in the standard folders.
    private static string? FindLibStdCxx()
    {
        try
        {
            string? mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is var start and >= 0 ? line[start..].Trim() : "")
                .FirstOrDefault(path => Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal));
            if (mapped is not null && File.Exists(mapped)) return mapped;
        }
        catch (IOException)
        {
            // no /proc: fall back to the standard folders
        }
        return new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib" }
            .Select(folder => Path.Combine(folder, LibStdCxx))
            .FirstOrDefault(File.Exists);
    }

    // What the dynamic loader says about the library, e.g. "...libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by ...)".
    private static string? LoaderErrorFor(string library)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        }
    }

    private static IReadOnlyList<string>? ReadDefinitions(string? library)
    {
        if (library is null) return null;
        try
        {
            return ElfVersionInfo.Read(library).Definitions;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    private static string? NewestGlibcxx(IEnumerable<string> versions) =>
        versions.Where(v => v.StartsWith("GLIBCXX_", StringComparison.Ordinal) && VersionOf(v) is not null).MaxBy(VersionOf);

    private static Version? VersionOf(string name) =>
        name.IndexOf('_') is var underscore and >= 0 && Version.TryParse(name[(underscore + 1)..], out var version) ? version : null;

    // The GCC release whose libstdc++ first provides a version, where it is known (libstdc++'s ABI policy).
    private static string? GccRelease(string name) => name switch
    {
        "GLIBCXX_3.4.29" => "11",
        "GLIBCXX_3.4.30" => "12",
        "GLIBCXX_3.4.31" => "13.1",
        "GLIBCXX_3.4.32" => "13.2",
        "GLIBCXX_3.4.33" => "14",
        _ => null,
    };

    private static string InParentheses(string? gcc) => gcc is null ? "" : $" (GCC {gcc})";

    private static StringBuilder AppendLoaderSaid(StringBuilder text, string? loaderError) =>
        loaderError is null ? text : text.AppendLine().Append($"The system loader says: {loaderError}");

    private static string AppendTorchSharpSaid(StringBuilder text, Exception torchSharpError) =>
        text.AppendLine().Append($"TorchSharp says: {FirstLine(torchSharpError.Message)}").ToString();

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
