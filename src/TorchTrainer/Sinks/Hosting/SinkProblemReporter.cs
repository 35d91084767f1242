using Microsoft.Extensions.Logging;

namespace TorchTrainer;

/// <summary>Reports sink problems as warnings to the logger, or else one line each to the fallback writer (standard error by default). Never throws.</summary>
internal sealed class SinkProblemReporter(ILogger? logger, TextWriter? fallback)
{
    private readonly object _writeLock = new();

    public void Report(string message, Exception? exception)
    {
        try
        {
            if (logger is not null)
            {
                logger.LogWarning(exception, "{Message}", message);
                return;
            }

            lock (_writeLock)
            {
                (fallback ?? Console.Error).WriteLine(message);
            }
        }
        catch (Exception)
        {
            // Reporting a sink's problem must not become training's problem.
        }
    }

    public static string Describe(TimeSpan t) =>
        t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";
}
