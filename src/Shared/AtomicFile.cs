namespace TorchTrainer;

/// <summary>
/// Replaces a file so that readers see either the old content or the complete new content, never a
/// half-written file: the bytes go to a temporary file in the same folder (same file system, so the
/// rename is atomic), are flushed to the disk, and the temporary file is then renamed over the
/// target. On any failure the temporary file is removed and the old file is left as it was.
/// </summary>
/// <remarks>
/// <para>The runtime's one atomic writer: results.json and every file of a checkpoint go through it.
/// Its steps are, in order: create the temporary file, let the caller write, flush to disk, rename;
/// a crash before the rename leaves only a temporary file beside an untouched target.</para>
/// <para>The new file keeps the permissions of the file it replaces (on Unix), and a symbolic link at
/// <c>path</c> is replaced by the file rather than followed (callers that must write through a link pass
/// its target).</para>
/// <para>One writer for the runtime (results.json, checkpoints) and trainer-migrate (migrated sources,
/// notebooks, reports): this file is compiled into both.</para>
/// </remarks>
internal static class AtomicFile
{
    /// <summary>The name pattern of the temporary files, for tests and clean-up scripts.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>
    /// Writes through <paramref name="write"/> into a temporary file, then moves it over <paramref name="path"/>.
    /// The stream handed to <paramref name="write"/> may be disposed by it (TorchSharp's writers dispose
    /// their BinaryWriter); the file stays open until it is flushed to disk.
    /// </summary>
    /// <exception cref="IOException">The file could not be written; the message names <paramref name="path"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write in the folder; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);

        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        var name = Path.GetFileName(full);
        if (name.Length == 0)
        {
            throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        }

        var temp = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(new NonClosingStream(stream));
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows() && File.Exists(full))
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(full));
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            var message = $"Could not save '{full}' (the previous file, if any, is unchanged): {ex.Message}";
            throw ex switch
            {
                DirectoryNotFoundException => new DirectoryNotFoundException(message, ex),
                UnauthorizedAccessException => new UnauthorizedAccessException(message, ex),
                _ => new IOException(message, ex),
            };
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: the original failure is what the caller needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Lets a writer dispose its stream without closing our file before it is flushed to disk.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void WriteByte(byte value) => inner.WriteByte(value);

        protected override void Dispose(bool disposing) => inner.Flush();
    }
}
