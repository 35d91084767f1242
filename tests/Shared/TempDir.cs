using System.Text;

namespace TorchTrainer.TestSupport;

/// <summary>A scratch folder for one test under the system's temp folder, deleted with its contents when disposed.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "torchtrainer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="relative"/> in the folder (nothing is created).</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes <paramref name="text"/> as UTF-8 (with a byte-order mark when <paramref name="bom"/>), creating folders; returns the full path.</summary>
    public string Write(string relative, string text, bool bom = false)
    {
        var full = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, [.. (bom ? Encoding.UTF8.Preamble : []), .. Encoding.UTF8.GetBytes(text)]);
        return full;
    }

    public byte[] Bytes(string relative) => System.IO.File.ReadAllBytes(File(relative));

    public string Text(string relative) => System.IO.File.ReadAllText(File(relative));

    public void Dispose()
    {
        FileBasedAppArtifacts.DeleteFor(Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A child process may still hold a file; the temp folder is the OS's to clean then.
        }
    }
}
