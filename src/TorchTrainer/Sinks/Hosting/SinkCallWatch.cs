namespace TorchTrainer;

/// <summary>
/// Hang detection for one sink: remembers when its current call started and tells, once, when that
/// call has run past the timeout. Checked from the trainer's thread whenever it sends an event (no
/// timer thread); the sink's thread marks calls' start and end.
/// </summary>
internal sealed class SinkCallWatch(TimeProvider clock, TimeSpan timeout)
{
    private const long NotInCall = long.MinValue;

    private long _startedAt = NotInCall;
    private volatile string? _method;
    private int _hung;

    /// <summary>A call exceeded the timeout.</summary>
    public bool IsHung => Volatile.Read(ref _hung) != 0;

    /// <summary>The method the sink is in, or null between calls.</summary>
    public string? CurrentMethod => _method;

    public void CallStarted(string method)
    {
        _method = method;
        Interlocked.Exchange(ref _startedAt, clock.GetTimestamp());
    }

    public void CallEnded()
    {
        Interlocked.Exchange(ref _startedAt, NotInCall);
        _method = null;
    }

    /// <summary>True exactly once: for the first check that finds the current call past the timeout.</summary>
    public bool DetectHang()
    {
        var started = Interlocked.Read(ref _startedAt);
        if (started == NotInCall || IsHung || clock.GetElapsedTime(started) <= timeout)
        {
            return false;
        }

        // The call may have returned meanwhile, or another thread may have reported it.
        return Interlocked.Read(ref _startedAt) == started && Interlocked.CompareExchange(ref _hung, 1, 0) == 0;
    }
}
