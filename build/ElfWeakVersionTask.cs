// Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK), so that
// the dynamic loader accepts the library on a system whose libstdc++ lacks that version.
// Why and when: see TorchSharpNativeFix.targets beside this file.
//
// MSBuild compiles this file with RoslynCodeTaskFactory against netstandard 2.0 (no Span, no
// File.Move overwrite), and tests/TorchTrainer.Tests links it to test it directly. It ships in the
// TorchTrainer package, so it must not depend on anything else in this repository.
#nullable enable
using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;

/// <summary>Makes <see cref="VersionName"/> a weak requirement in each of <see cref="Files"/>.</summary>
// The base class is spelled out: with implicit usings (the tests link this file) "Task" is ambiguous.
public sealed class ElfWeakVersionTask : Microsoft.Build.Utilities.Task
{
    /// <summary>Output copies of the library; files that do not exist are skipped.</summary>
    [Required] public ITaskItem[] Files { get; set; } = new ITaskItem[0];

    /// <summary>The version requirement to make weak, e.g. GLIBCXX_3.4.32.</summary>
    [Required] public string VersionName { get; set; } = "";

    /// <summary>The library that defines the version on a new enough system, e.g. libstdc++.so.6.</summary>
    [Required] public string ProviderSoname { get; set; } = "";

    /// <summary>Patch even when this machine's provider defines the version (output meant for older systems).</summary>
    public bool Force { get; set; }

    public override bool Execute()
    {
        string? provider = null; // looked up only once a file still needs the patch
        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path)) continue;
            try
            {
                byte[] image = File.ReadAllBytes(path);
                long flags = ElfVersions.FindRequirementFlags(image, VersionName);
                if (flags < 0 || ElfVersions.IsWeak(image, flags))
                {
                    Log.LogMessage(MessageImportance.Low, "TorchSharpNativeFix: {0} needs no change ({1} is {2}).",
                        path, VersionName, flags < 0 ? "not required" : "already a weak requirement");
                    continue;
                }
                string why;
                if (Force)
                {
                    why = "TorchSharpNativeFix=always";
                }
                else
                {
                    provider ??= ElfVersions.FindSystemLibrary(ProviderSoname) ?? "";
                    if (provider.Length == 0)
                    {
                        Log.LogWarning(null, "TTN0002", null, path, 0, 0, 0, 0,
                            "TorchSharpNativeFix: left {0} unchanged: {1} was found neither through 'ldconfig -p' nor in the standard library folders, so this build cannot tell whether the system provides {2}. Set TorchSharpNativeFix=always to patch anyway.",
                            path, ProviderSoname, VersionName);
                        continue;
                    }
                    if (ElfVersions.DefinesVersion(File.ReadAllBytes(provider), VersionName))
                    {
                        Log.LogMessage(MessageImportance.Low, "TorchSharpNativeFix: {0} provides {1}; {2} left as it is.", provider, VersionName, path);
                        continue;
                    }
                    why = "this system's " + provider + " does not provide it";
                }
                ElfVersions.WriteWeakCopy(path, flags);
                Log.LogMessage(MessageImportance.Normal,
                    "TorchSharpNativeFix: marked the {0} requirement of {1} as weak, because {2} and the library would not load otherwise (the one symbol of that version is never relocated, so the older library serves it). The NuGet cache copy is unchanged.",
                    VersionName, path, why);
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogWarning(null, "TTN0001", null, path, 0, 0, 0, 0,
                    "TorchSharpNativeFix: left {0} unchanged: {1} If TorchSharp then fails to load, TorchTrainer's error message names the cause.", path, e.Message);
            }
        }
        return true; // never fails the build: a library that still does not load is explained at run time
    }
}

/// <summary>Reads and edits the GNU symbol-versioning sections of little-endian ELF64 files.</summary>
public static class ElfVersions
{
    private const uint VersionNeedSection = 0x6ffffffe; // SHT_GNU_verneed (.gnu.version_r)
    private const uint VersionDefinitionSection = 0x6ffffffd; // SHT_GNU_verdef (.gnu.version_d)
    private const ushort WeakFlag = 0x2; // VER_FLG_WEAK

    /// <summary>File offset of the vna_flags of the requirement named <paramref name="versionName"/>, or -1 when the file has no such requirement.</summary>
    public static long FindRequirementFlags(byte[] elf, string versionName)
    {
        if (!TryFindSection(elf, VersionNeedSection, out long need, out uint count, out long strings, out long stringsEnd)) return -1;
        for (uint i = 0; i < count; i++)
        {
            long aux = need + U32(elf, need + 8);
            for (int j = U16(elf, need + 2); j > 0; j--)
            {
                if (NameAt(elf, strings, stringsEnd, U32(elf, aux + 8)) == versionName) return aux + 4;
                aux += U32(elf, aux + 12);
            }
            need += U32(elf, need + 12);
        }
        return -1;
    }

    /// <summary>Whether the flags found by <see cref="FindRequirementFlags"/> already carry VER_FLG_WEAK.</summary>
    public static bool IsWeak(byte[] elf, long flagsOffset) => (U16(elf, flagsOffset) & WeakFlag) != 0;

    /// <summary>Whether the file defines the version (lists it in .gnu.version_d), as a provider library does.</summary>
    public static bool DefinesVersion(byte[] elf, string versionName)
    {
        if (!TryFindSection(elf, VersionDefinitionSection, out long def, out uint count, out long strings, out long stringsEnd)) return false;
        for (uint i = 0; i < count; i++)
        {
            // The first Verdaux of a Verdef holds the version's own name; the others name its parents.
            if (U16(elf, def + 6) > 0 && NameAt(elf, strings, stringsEnd, U32(elf, def + U32(elf, def + 12))) == versionName) return true;
            def += U32(elf, def + 16);
        }
        return false;
    }

    /// <summary>
    /// Replaces <paramref name="path"/> by a fresh copy whose flags at <paramref name="flagsOffset"/> carry VER_FLG_WEAK.
    /// The copy is a new file renamed over the old name, so a hard or symbolic link into the NuGet cache is
    /// replaced, never written through. It keeps the original's time stamp, so that MSBuild's Copy (which skips
    /// files of the same size and time) and publish's PreserveNewest leave the patched copy alone next time.
    /// </summary>
    public static void WriteWeakCopy(string path, long flagsOffset)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.Copy(path, temp); // keeps the file mode
            DateTime stamp = File.GetLastWriteTimeUtc(path);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                var flags = new byte[2];
                stream.Position = flagsOffset;
                if (stream.Read(flags, 0, 2) != 2) throw new InvalidDataException("the file changed while it was being patched.");
                flags[0] |= (byte)WeakFlag;
                stream.Position = flagsOffset;
                stream.Write(flags, 0, 2);
            }
            File.SetLastWriteTimeUtc(temp, stamp);
            File.Replace(temp, path, null); // rename(2) over the old name
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The x86-64 library the dynamic loader would use for <paramref name="soname"/>: from 'ldconfig -p', else the standard folders.</summary>
    public static string? FindSystemLibrary(string soname)
    {
        foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
        {
            try
            {
                var start = new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using (Process process = Process.Start(start)!)
                {
                    string listing = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    foreach (string line in listing.Split('\n'))
                    {
                        // "	libstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6"
                        string entry = line.Trim();
                        int arrow = entry.IndexOf("=> ", StringComparison.Ordinal);
                        if (entry.StartsWith(soname + " (", StringComparison.Ordinal) && entry.Contains("x86-64") && arrow > 0
                            && File.Exists(entry.Substring(arrow + 3))) return entry.Substring(arrow + 3);
                    }
                }
                break; // ldconfig ran, so its other paths need not be tried
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                // not at this path: try the next one
            }
        }
        foreach (string folder in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib" })
        {
            string candidate = Path.Combine(folder, soname);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    // Finds the first section of the given type: its file offset, its entry count (sh_info) and its linked string table.
    private static bool TryFindSection(byte[] elf, uint type, out long offset, out uint count, out long strings, out long stringsEnd)
    {
        offset = strings = stringsEnd = 0;
        count = 0;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("it is not an ELF file (it does not start with the ELF magic bytes).");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("it is not a little-endian 64-bit ELF file, the only kind this fix reads.");
        long headers = (long)U64(elf, 0x28);
        int headerSize = U16(elf, 0x3a), headerCount = U16(elf, 0x3c);
        if (headers == 0 || headerSize < 64)
            throw new InvalidDataException("it has no section headers, so its version requirements cannot be found.");
        for (int i = 0; i < headerCount; i++)
        {
            long header = headers + (long)i * headerSize;
            if (U32(elf, header + 4) != type) continue;
            long linked = headers + (long)U32(elf, header + 40) * headerSize;
            offset = (long)U64(elf, header + 24);
            count = U32(elf, header + 44);
            strings = (long)U64(elf, linked + 24);
            stringsEnd = strings + (long)U64(elf, linked + 32);
            return true;
        }
        return false;
    }

    private static string NameAt(byte[] elf, long strings, long stringsEnd, uint name)
    {
        long start = strings + name, end = start;
        while (end < stringsEnd && end < elf.Length && elf[end] != 0) end++;
        if (end >= stringsEnd || end >= elf.Length) throw Damaged();
        return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
    }

    private static ushort U16(byte[] b, long at) { Check(b, at, 2); return (ushort)(b[at] | b[at + 1] << 8); }
    private static uint U32(byte[] b, long at) { Check(b, at, 4); return (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24); }
    private static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    private static void Check(byte[] b, long at, int size) { if (at < 0 || at > b.Length - size) throw Damaged(); }
    private static InvalidDataException Damaged() => new InvalidDataException("its ELF headers point outside the file (truncated or damaged).");
}
