using TorchTrainer.Migrate.Discovery;
using TorchTrainer.Migrate.FileBasedApps;
using TorchTrainer.Migrate.Notebooks;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// Reads and parses the notebooks and file-based apps before anything else runs: a malformed one stops the run with
/// nothing written.
/// </summary>
internal static class InputReader
{
    public sealed record ReadInputs(IReadOnlyList<INotebook> Notebooks, IReadOnlyList<FileBasedApp> Apps, IReadOnlyList<string> Errors);

    public static ReadInputs Read(MigrationInputs inputs, Func<string, string> display)
    {
        var notebooks = new List<INotebook>();
        var apps = new List<FileBasedApp>();
        var readErrors = new List<string>();
        foreach (var path in inputs.Notebooks)
        {
            try
            {
                var file = TextFile.Read(path);
                notebooks.Add(path.EndsWith(".dib", StringComparison.OrdinalIgnoreCase) ? DibNotebook.Parse(file) : IpynbNotebook.Parse(file));
            }
            catch (NotebookFormatException ex)
            {
                readErrors.Add($"{display(path)}: {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                readErrors.Add($"{display(path)}: cannot be read: {ex.Message}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                readErrors.Add($"{display(path)}: cannot be read as a notebook: {ex.GetType().Name}: {ex.Message}");
            }
        }

        foreach (var path in inputs.FileBasedApps)
        {
            try
            {
                apps.Add(FileBasedApp.Parse(TextFile.Read(path)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                readErrors.Add($"{display(path)}: cannot be read: {ex.Message}");
            }
        }

        return new ReadInputs(notebooks, apps, readErrors);
    }
}
