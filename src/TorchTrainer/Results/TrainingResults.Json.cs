using System.Text;

namespace TorchTrainer;

// results.json (schema 4): writing, atomic saving, reading schema 4 and v3 files.
public sealed partial class TrainingResults
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The results as results.json text (schema 4): the metrics table plus the derived figures, the
    /// legacy <c>loss_history</c> / <c>val_loss_history</c> keys for v3 readers and <c>deprecated_keys</c>.
    /// NaN is written as <c>null</c>; doubles round-trip exactly. Writing is not a legacy use: it
    /// neither warns nor throws in strict mode.
    /// </summary>
    public string ToJson() => Utf8NoBom.GetString(ResultsJsonWriter.ToUtf8(this));

    /// <summary>
    /// Writes <see cref="ToJson"/> to <paramref name="path"/> atomically: the file is either left as it
    /// was or replaced by the complete new content, never half-written: the text goes to a temporary file
    /// in the same folder, is flushed to the disk and renamed over the target; on failure the temporary
    /// file is removed.
    /// </summary>
    /// <exception cref="IOException">The file could not be written; the message names the path and the old file is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write there; the message names the path.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = ResultsJsonWriter.ToUtf8(this); // serialize before touching the disk
        AtomicFile.Write(path, stream =>
        {
            stream.Write(bytes);
            stream.WriteByte((byte)'\n');
        });
    }

    /// <summary>Reads results.json text: schema 4, or a v3 file (only <c>loss_history</c> / <c>val_loss_history</c>).</summary>
    /// <exception cref="ResultsFormatException">
    /// The text is not valid JSON, not a results file, from a newer major schema, or has a value of the
    /// wrong shape; the message says what and where.
    /// </exception>
    public static TrainingResults FromJson(string json) => ResultsJsonReader.Read(json, filePath: null);

    /// <summary>Reads a results.json file (schema 4 or v3).</summary>
    /// <exception cref="FileNotFoundException">There is no such file; the message names the path.</exception>
    /// <exception cref="IOException">The file could not be read; the message names the path.</exception>
    /// <exception cref="ResultsFormatException">The content cannot be read as results; the message names the path, what and where.</exception>
    public static TrainingResults Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full, Utf8NoBom);
        }
        catch (FileNotFoundException ex)
        {
            throw new FileNotFoundException($"Cannot load results: the file '{full}' does not exist.", full, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new DirectoryNotFoundException($"Cannot load results: the folder of '{full}' does not exist.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnauthorizedAccessException($"Cannot load results from '{full}': {ex.Message}", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ResultsFormatException($"Cannot read results file '{full}': it is not UTF-8 text ({ex.Message})", null, full, ex);
        }
        catch (IOException ex)
        {
            throw new IOException($"Cannot load results from '{full}': {ex.Message}", ex);
        }

        return ResultsJsonReader.Read(text, full);
    }
}
