using System.Globalization;

namespace TorchTrainer;

/// <summary>Where file sinks write, and the number formats they share.</summary>
internal static class SinkFiles
{
    /// <summary>
    /// The file a sink writes: <paramref name="explicitPath"/> when the caller gave one (relative paths are
    /// relative to the current directory), else <paramref name="defaultName"/> in the run's output directory.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither exists; the message tells how to give one.</exception>
    public static string Resolve(string? explicitPath, TrainingStartInfo info, string defaultName, string sinkName)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }

        if (string.IsNullOrWhiteSpace(info.OutputDirectory))
        {
            throw new InvalidOperationException(
                $"{sinkName} has nowhere to write: the run has no output directory. " +
                $"Give the trainer an output directory, or pass a path to the {sinkName} constructor.");
        }

        return Path.GetFullPath(Path.Combine(info.OutputDirectory, defaultName));
    }

    /// <summary>Creates the folder that will hold <paramref name="file"/>.</summary>
    public static void EnsureDirectoryOf(string file)
    {
        if (Path.GetDirectoryName(file) is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
        }
    }

    /// <summary>Round-trip, culture-independent text of a value ("R"); epoch-like whole numbers print without decimals.</summary>
    public static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A short human-readable number for console output (5 significant digits).</summary>
    public static string Short(double value) =>
        double.IsNaN(value) ? "-" : value.ToString("G5", CultureInfo.InvariantCulture);
}
