namespace TorchTrainer;

/// <summary>
/// One sink on its own background thread: takes events from its <see cref="SinkEventQueue"/> and
/// calls the sink, timing each call (<see cref="SinkCallWatch"/>) and applying the
/// <see cref="SinkFailurePolicy"/>; disposes the sink after its last call, on that thread.
/// </summary>
internal sealed class SinkWorker
{
    private readonly IMetricSink _sink;
    private readonly MetricSinkHostOptions _options;
    private readonly SinkProblemReporter _reporter;
    private readonly CountdownEvent _pending;
    private readonly SinkEventQueue _queue;
    private readonly SinkCallWatch _watch;
    private readonly SinkFailurePolicy _failures;
    private readonly ManualResetEventSlim _finished = new(false);
    private readonly Thread _thread;
    private int _countedDone;
    private long _delivered;

    /// <param name="sink">The sink.</param>
    /// <param name="options">Capacity, timeouts, failure limit and clock.</param>
    /// <param name="reporter">Where problems are reported.</param>
    /// <param name="pending">Signalled once when this sink is done, hung or given up on.</param>
    public SinkWorker(IMetricSink sink, MetricSinkHostOptions options, SinkProblemReporter reporter, CountdownEvent pending)
    {
        _sink = sink;
        _options = options;
        _reporter = reporter;
        _pending = pending;
        Name = sink.GetType().Name;
        _queue = new SinkEventQueue(options.QueueCapacity);
        _watch = new SinkCallWatch(options.TimeProvider, options.CallTimeout);
        _failures = new SinkFailurePolicy(Name, options.MaxConsecutiveFailures);
        _thread = new Thread(Run) { IsBackground = true, Name = $"TorchTrainer sink {Name}" };
    }

    public string Name { get; }

    public bool IsHung => _watch.IsHung;

    public bool IsFinished => _finished.IsSet;

    public void Start() => _thread.Start();

    public SinkStatus GetStatus() =>
        new(Name, _queue.IsClosed, _watch.IsHung, _queue.DroppedSteps, Interlocked.Read(ref _delivered));

    /// <summary>Queues an event (from the trainer's thread); first checks whether the current call hangs.</summary>
    public void Post(SinkEvent e)
    {
        if (_queue.IsClosed)
        {
            return;
        }

        CheckHang();
        _queue.Add(e);
    }

    /// <summary>Queues the last event (null: none) and lets the thread end after it.</summary>
    public void Complete(SinkEvent? end)
    {
        CheckHang();
        _queue.Complete(end);
    }

    /// <summary>The end timeout passed: disables the sink and stops waiting for it.</summary>
    public void GiveUp()
    {
        _queue.Close();
        CountDone();
        var what = _watch.CurrentMethod is { } method ? $" (still in {method})" : "";
        _reporter.Report(
            $"Metric sink '{Name}' did not finish within {SinkProblemReporter.Describe(_options.EndTimeout)} after training ended{what}; " +
            "the trainer no longer waits for it.",
            null);
    }

    private void CheckHang()
    {
        if (!_watch.DetectHang())
        {
            return;
        }

        _queue.Close();
        CountDone(); // the end does not wait for a sink known to hang
        _reporter.Report(
            $"Metric sink '{Name}' did not return from {_watch.CurrentMethod ?? "a call"} within {SinkProblemReporter.Describe(_options.CallTimeout)}; " +
            "it is disabled for the rest of this run and training goes on without it.",
            null);
    }

    private void CountDone()
    {
        if (Interlocked.Exchange(ref _countedDone, 1) == 0)
        {
            _pending.Signal();
        }
    }

    private void Run()
    {
        try
        {
            while (_queue.TryTake(out var e))
            {
                Deliver(e);
            }
        }
        finally
        {
            DisposeSink();
            _finished.Set();
            CountDone();
        }
    }

    private void Deliver(SinkEvent e)
    {
        _watch.CallStarted(e.Method);
        try
        {
            e.DeliverTo(_sink);
            _failures.OnSuccess();
            Interlocked.Increment(ref _delivered);
        }
        catch (Exception ex)
        {
            if (!_watch.IsHung) // a hung sink was already reported and disabled
            {
                var (report, cause, disable) = _failures.OnFailure(e.Method, ex);
                if (report is not null)
                {
                    _reporter.Report(report, cause);
                }

                if (disable)
                {
                    _queue.Close();
                }
            }
        }
        finally
        {
            _watch.CallEnded();
        }
    }

    private void DisposeSink()
    {
        if (_sink is not IDisposable disposable)
        {
            return;
        }

        try
        {
            disposable.Dispose();
        }
        catch (Exception ex)
        {
            if (_failures.OnDisposeFailure(ex) is { } report)
            {
                _reporter.Report(report, ex);
            }
        }
    }
}
