using System.Security.Cryptography;
using System.Text;

namespace TorchTrainer.TestSupport;

/// <summary>
/// <c>dotnet run app.cs</c> and <c>dotnet restore app.cs</c> build a file-based app into the SDK's cache
/// (<c>~/.local/share/dotnet/runfile/NAME-HASH</c>, HASH the SHA-256 of the app's full path in upper case), which
/// deleting the test's folder does not reach: hundreds of megabytes an app once it references TorchSharp, left on
/// the machine by every test run. Deleting a test folder deletes its apps' artifacts too.
/// </summary>
internal static class FileBasedAppArtifacts
{
    /// <summary>Deletes the SDK's build artifacts of every <c>.cs</c> file under <paramref name="folder"/>.</summary>
    public static void DeleteFor(string folder)
    {
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "dotnet", "runfile");
        if (!Directory.Exists(folder) || !Directory.Exists(cache))
        {
            return;
        }

        // Links are not followed: a test folder may hold a link loop (ln -s .. loop) on purpose.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var app in Directory.EnumerateFiles(folder, "*.cs", options))
        {
            var full = Path.GetFullPath(app);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full.ToUpperInvariant())));
            var artifacts = Path.Combine(cache, $"{Path.GetFileNameWithoutExtension(full)}-{hash}");
            try
            {
                if (Directory.Exists(artifacts))
                {
                    Directory.Delete(artifacts, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A build server may still hold a file; the next run of the same path reuses the folder.
            }
        }
    }
}
