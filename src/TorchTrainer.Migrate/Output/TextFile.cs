using System.Security.Cryptography;
using System.Text;

namespace TorchTrainer.Migrate.Output;

/// <summary>A text file as read from disk: its bytes, how they were encoded, and its decoded text.</summary>
internal sealed class TextFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private TextFile(string path, byte[] bytes, Encoding encoding, int preambleLength, string text)
    {
        Path = path;
        Bytes = bytes;
        Encoding = encoding;
        PreambleLength = preambleLength;
        Text = text;
        NewLine = DetectNewLine(text);
    }

    public string Path { get; }
    public byte[] Bytes { get; }
    public Encoding Encoding { get; }
    public int PreambleLength { get; }
    public bool HasBom => PreambleLength > 0;
    public string Text { get; }

    /// <summary>The file's dominant line ending ("\r\n" or "\n"); "\n" when it has none.</summary>
    public string NewLine { get; }

    /// <summary>Reads and decodes a file; <see cref="InvalidDataException"/> when its bytes contradict its byte order mark.</summary>
    public static TextFile Read(string path) => FromBytes(path, File.ReadAllBytes(path));

    /// <summary>A file's text as <see cref="Read"/> decodes it, or why it cannot be read (for files only looked at, never written).</summary>
    public static (string? Text, string? Error) TryRead(string path)
    {
        try
        {
            return (Read(path).Text, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return (null, ex.Message);
        }
    }

    public static TextFile FromBytes(string path, byte[] bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            try
            {
                return new TextFile(path, bytes, new UTF8Encoding(true), 3, StrictUtf8.GetString(bytes, 3, bytes.Length - 3));
            }
            catch (DecoderFallbackException ex)
            {
                // Its mark says UTF-8, so it is not Latin-1; decoding it as the compiler does (invalid bytes replaced)
                // and writing it back would lose those bytes.
                throw new InvalidDataException($"it starts with a UTF-8 byte order mark but is not valid UTF-8 (byte {3 + Math.Max(0, ex.Index)}); "
                    + "save it as UTF-8, or without the byte order mark", ex);
            }
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            var enc = new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
            return new TextFile(path, bytes, enc, 2, enc.GetString(bytes, 2, bytes.Length - 2));
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            var enc = new UnicodeEncoding(bigEndian: true, byteOrderMark: true);
            return new TextFile(path, bytes, enc, 2, enc.GetString(bytes, 2, bytes.Length - 2));
        }

        try
        {
            return new TextFile(path, bytes, StrictUtf8, 0, StrictUtf8.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: keep every byte by reading it as Latin-1 (round-trips byte for byte).
            return new TextFile(path, bytes, Encoding.Latin1, 0, Encoding.Latin1.GetString(bytes));
        }
    }

    /// <summary>Encodes <paramref name="text"/> the way this file was encoded (same encoding, same BOM).</summary>
    public byte[] Encode(string text)
    {
        var body = Encoding.GetBytes(text);
        if (PreambleLength == 0)
        {
            return body;
        }

        var result = new byte[PreambleLength + body.Length];
        Array.Copy(Bytes, result, PreambleLength);
        body.CopyTo(result, PreambleLength);
        return result;
    }

    public static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    public static string DetectNewLine(string text)
    {
        int crlf = 0, lf = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                if (i > 0 && text[i - 1] == '\r')
                {
                    crlf++;
                }
                else
                {
                    lf++;
                }
            }
        }

        return crlf > lf ? "\r\n" : "\n";
    }

    /// <summary>Rewrites every line ending in <paramref name="text"/> to <paramref name="newLine"/>.</summary>
    public static string NormalizeNewLines(string text, string newLine)
    {
        if (text.IndexOfAny(['\r', '\n']) < 0)
        {
            return text;
        }

        var unified = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return newLine == "\n" ? unified : unified.Replace("\n", newLine, StringComparison.Ordinal);
    }
}
