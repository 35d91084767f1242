namespace TorchTrainer;

/// <summary>
/// What a sink's exceptions lead to: the first is reported (sink, method, message), and the sink is
/// disabled after <c>maxConsecutiveFailures</c> failures in a row; a call that returns normally
/// resets the count. Used from the sink's thread only.
/// </summary>
internal sealed class SinkFailurePolicy(string sinkName, int maxConsecutiveFailures)
{
    private int _consecutiveFailures;
    private bool _reported;

    public void OnSuccess() => _consecutiveFailures = 0;

    /// <summary>Counts a failure; returns what to report (or null), the exception to attach to it, and whether to disable the sink.</summary>
    public (string? Report, Exception? Cause, bool Disable) OnFailure(string method, Exception ex)
    {
        var failures = ++_consecutiveFailures;
        var disable = failures >= maxConsecutiveFailures;
        if (!_reported)
        {
            _reported = true;
            var next = disable
                ? "it is disabled for the rest of this run"
                : $"it is disabled after {maxConsecutiveFailures} failures in a row";
            return ($"Metric sink '{sinkName}' threw {ex.GetType().Name} in {method}: \"{ex.Message}\". Training goes on; {next}.", ex, disable);
        }

        return (disable ? $"Metric sink '{sinkName}' failed {failures} times in a row; it is disabled for the rest of this run." : null, null, disable);
    }

    /// <summary>What to report when disposing the sink threw: nothing when a failure was already reported.</summary>
    public string? OnDisposeFailure(Exception ex)
    {
        if (_reported)
        {
            return null;
        }

        _reported = true;
        return $"Metric sink '{sinkName}' threw {ex.GetType().Name} in Dispose: \"{ex.Message}\".";
    }
}
