using System.Buffers.Binary;
using System.Text;

namespace TorchTrainer;

/// <summary>One symbol version that an ELF library needs from another library (an entry of .gnu.version_r).</summary>
/// <param name="Library">The library that must provide it, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="IsWeak">VER_FLG_WEAK: the loader accepts the library even when the version is missing.</param>
internal sealed record ElfVersionRequirement(string Library, string Version, bool IsWeak);

/// <summary>
/// The GNU symbol versions of a little-endian ELF64 library: those it requires and those it defines.
/// TorchTrainer reads them to explain why TorchSharp's native library does not load. The build task in
/// build/ElfWeakVersionTask.cs has its own reader, because it ships as source and cannot use this assembly.
/// </summary>
internal sealed class ElfVersionInfo
{
    private const uint VersionNeedSection = 0x6ffffffe; // SHT_GNU_verneed (.gnu.version_r)
    private const uint VersionDefinitionSection = 0x6ffffffd; // SHT_GNU_verdef (.gnu.version_d)
    private const ushort WeakFlag = 0x2; // VER_FLG_WEAK

    private ElfVersionInfo(IReadOnlyList<ElfVersionRequirement> requirements, IReadOnlyList<string> definitions)
    {
        Requirements = requirements;
        Definitions = definitions;
    }

    /// <summary>The versions the file needs from other libraries.</summary>
    public IReadOnlyList<ElfVersionRequirement> Requirements { get; }

    /// <summary>The versions the file defines (a provider such as libstdc++ lists all it provides).</summary>
    public IReadOnlyList<string> Definitions { get; }

    /// <summary>Reads the file's version sections; throws <see cref="InvalidDataException"/> saying why a file cannot be read.</summary>
    public static ElfVersionInfo Read(string path)
    {
        var elf = new ElfImage(File.ReadAllBytes(path));
        var requirements = new List<ElfVersionRequirement>();
        if (elf.FindSection(VersionNeedSection) is { } need)
        {
            long entry = need.Offset;
            for (uint i = 0; i < need.Count; i++)
            {
                string library = elf.Name(need, elf.U32(entry + 4));
                long aux = entry + elf.U32(entry + 8);
                for (int j = elf.U16(entry + 2); j > 0; j--)
                {
                    requirements.Add(new ElfVersionRequirement(library, elf.Name(need, elf.U32(aux + 8)), (elf.U16(aux + 4) & WeakFlag) != 0));
                    aux += elf.U32(aux + 12);
                }
                entry += elf.U32(entry + 12);
            }
        }
        var definitions = new List<string>();
        if (elf.FindSection(VersionDefinitionSection) is { } def)
        {
            long entry = def.Offset;
            for (uint i = 0; i < def.Count; i++)
            {
                // The first Verdaux of a Verdef names the version itself; the others name its parents.
                if (elf.U16(entry + 6) > 0) definitions.Add(elf.Name(def, elf.U32(entry + elf.U32(entry + 12))));
                entry += elf.U32(entry + 16);
            }
        }
        return new ElfVersionInfo(requirements, definitions);
    }

    private readonly record struct Section(long Offset, uint Count, long Strings, long StringsEnd);

    private readonly struct ElfImage
    {
        private readonly byte[] _bytes;

        public ElfImage(byte[] bytes)
        {
            _bytes = bytes;
            if (bytes.Length < 64 || !bytes.AsSpan(0, 4).SequenceEqual("\u007fELF"u8))
                throw new InvalidDataException("it is not an ELF file (it does not start with the ELF magic bytes).");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw new InvalidDataException("it is not a little-endian 64-bit ELF file.");
        }

        public Section? FindSection(uint type)
        {
            long headers = (long)U64(0x28);
            int size = U16(0x3a), count = U16(0x3c);
            if (headers == 0 || size < 64) throw new InvalidDataException("it has no section headers.");
            for (int i = 0; i < count; i++)
            {
                long header = headers + (long)i * size;
                if (U32(header + 4) != type) continue;
                long linked = headers + (long)U32(header + 40) * size;
                long strings = (long)U64(linked + 24);
                return new Section((long)U64(header + 24), U32(header + 44), strings, strings + (long)U64(linked + 32));
            }
            return null;
        }

        public string Name(Section section, uint offset)
        {
            long start = section.Strings + offset;
            if (start < 0 || start >= section.StringsEnd || section.StringsEnd > _bytes.Length) throw Damaged();
            int length = _bytes.AsSpan((int)start, (int)(section.StringsEnd - start)).IndexOf((byte)0);
            if (length < 0) throw Damaged();
            return Encoding.ASCII.GetString(_bytes, (int)start, length);
        }

        public ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(at, 2));
        public uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(at, 4));
        public ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(at, 8));

        private ReadOnlySpan<byte> Slice(long at, int size) =>
            at >= 0 && at <= _bytes.Length - size ? _bytes.AsSpan((int)at, size) : throw Damaged();

        private static InvalidDataException Damaged() => new("its ELF headers point outside the file (truncated or damaged).");
    }
}
