using Microsoft.Extensions.Logging;

namespace TorchTrainer;

/// <summary>
/// Delivers a run's events to its <see cref="IMetricSink"/>s without letting them touch training.
/// Each sink gets its own background thread and bounded queue: the trainer's calls only enqueue
/// (a lock and a list node per sink) and return at once, whatever the sinks do.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>When <see cref="MetricSinkHostOptions.QueueCapacity"/> step reports already wait for a sink, its oldest waiting
/// step report is dropped for the new one; start, epoch and end events are never dropped (and not counted: there is one per epoch).</item>
/// <item>Each sink sees its events in the order the trainer sent them (less dropped step reports).</item>
/// <item>A sink that throws is reported once (sink name and message) and disabled after
/// <see cref="MetricSinkHostOptions.MaxConsecutiveFailures"/> failures in a row.</item>
/// <item>A call running longer than <see cref="MetricSinkHostOptions.CallTimeout"/> is a hang: the sink is
/// reported and disabled. The check runs whenever the trainer sends an event and at the end; it needs no timer thread.</item>
/// <item><see cref="OnTrainingEnd"/> waits at most <see cref="MetricSinkHostOptions.EndTimeout"/> in all for the sinks to finish,
/// then gives up on the late ones (their threads are background threads and do not keep the process alive).</item>
/// <item>Each sink that is <see cref="IDisposable"/> is disposed on its own thread after its last call, never while a call runs.</item>
/// </list>
/// Sinks are reported by type name, through the configured <see cref="ILogger"/> or else standard error.
/// </remarks>
internal sealed class MetricSinkHost : IDisposable
{
    private readonly SinkWorker[] _workers;
    private readonly MetricSinkHostOptions _options;
    private readonly object _reportLock = new();
    private readonly CountdownEvent _pending; // one per sink still working (a hung sink counts as done)
    private int _completed;

    public MetricSinkHost(IEnumerable<IMetricSink?>? sinks, MetricSinkHostOptions? options = null)
    {
        _options = options ?? new MetricSinkHostOptions();
        _options.Validate();
        // One worker per sink object: the same sink listed twice would otherwise be called from two threads at once.
        var list = sinks?.OfType<IMetricSink>().Distinct(ReferenceEqualityComparer.Instance).Cast<IMetricSink>().ToList() ?? [];
        _workers = new SinkWorker[list.Count];
        _pending = new CountdownEvent(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            _workers[i] = new SinkWorker(this, list[i]);
        }

        foreach (var worker in _workers)
        {
            worker.Start();
        }
    }

    /// <summary>True when there is at least one sink to deliver to.</summary>
    public bool HasSinks => _workers.Length > 0;

    /// <summary>What happened to each sink so far, in the order the sinks were given.</summary>
    public IReadOnlyList<SinkStatus> Status => _workers.Select(w => w.GetStatus()).ToArray();

    /// <summary>Queues the start of the run for every sink; returns at once.</summary>
    public void OnTrainingStart(TrainingStartInfo info) => Post(new SinkEvent(SinkEventKind.Start, info ?? throw new ArgumentNullException(nameof(info))));

    /// <summary>Queues a step report for every sink; returns at once. It may be dropped for a sink that is behind.</summary>
    public void OnStep(StepProgress step) => Post(new SinkEvent(SinkEventKind.Step, step ?? throw new ArgumentNullException(nameof(step))));

    /// <summary>Queues an epoch's metrics for every sink; returns at once. Never dropped.</summary>
    public void OnEpochEnd(EpochMetrics metrics) => Post(new SinkEvent(SinkEventKind.Epoch, metrics ?? throw new ArgumentNullException(nameof(metrics))));

    /// <summary>
    /// Queues the end of the run, then waits at most <see cref="MetricSinkHostOptions.EndTimeout"/> (in all, not per sink)
    /// for the sinks to take every event and be disposed. Later events are ignored. Never throws because of a sink.
    /// </summary>
    public void OnTrainingEnd(TrainingResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        Finish(new SinkEvent(SinkEventKind.End, results));
    }

    /// <summary>Ends delivery without an end event (when the trainer could not make results), waiting as <see cref="OnTrainingEnd"/> does. Idempotent.</summary>
    public void Dispose() => Finish(null);

    private void Post(SinkEvent e)
    {
        if (Volatile.Read(ref _completed) != 0)
        {
            return;
        }

        foreach (var worker in _workers)
        {
            worker.Post(e);
        }
    }

    private void Finish(SinkEvent? end)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        foreach (var worker in _workers)
        {
            worker.Complete(end);
        }

        // One wait for all sinks at once; a sink already known to hang does not count.
        if (!_pending.Wait(_options.EndTimeout))
        {
            foreach (var worker in _workers.Where(w => !w.IsFinished && !w.IsHung))
            {
                worker.GiveUp();
            }
        }
    }

    private void Report(string message, Exception? exception)
    {
        try
        {
            if (_options.Logger is { } logger)
            {
                logger.LogWarning(exception, "{Message}", message);
                return;
            }

            lock (_reportLock)
            {
                (_options.FallbackWriter ?? Console.Error).WriteLine(message);
            }
        }
        catch (Exception)
        {
            // Reporting a sink's problem must not become training's problem.
        }
    }

    private static string Describe(TimeSpan t) =>
        t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

    private enum SinkEventKind
    {
        Start,
        Step,
        Epoch,
        End,
    }

    private sealed record SinkEvent(SinkEventKind Kind, object Payload)
    {
        public string Method => Kind switch
        {
            SinkEventKind.Start => nameof(IMetricSink.OnTrainingStart),
            SinkEventKind.Step => nameof(IMetricSink.OnStep),
            SinkEventKind.Epoch => nameof(IMetricSink.OnEpochEnd),
            _ => nameof(IMetricSink.OnTrainingEnd),
        };
    }

    /// <summary>One sink, its queue and its thread.</summary>
    private sealed class SinkWorker
    {
        private const long NotInCall = long.MinValue;

        private readonly MetricSinkHost _host;
        private readonly IMetricSink _sink;
        private readonly LinkedList<SinkEvent> _queue = new(); // guarded by itself
        private readonly ManualResetEventSlim _finished = new(false);
        private readonly Thread _thread;
        private int _queuedSteps;          // guarded by _queue: step reports waiting
        private bool _completed;           // guarded by _queue: no more events will come
        private volatile bool _disabled;   // no more calls; set under _queue
        private volatile bool _hung;
        private long _callStartedAt = NotInCall;
        private volatile string? _currentMethod;
        private int _consecutiveFailures;  // worker thread only
        private int _failureReported;
        private int _countedDone;
        private long _droppedSteps;
        private long _delivered;

        public SinkWorker(MetricSinkHost host, IMetricSink sink)
        {
            _host = host;
            _sink = sink;
            Name = sink.GetType().Name;
            _thread = new Thread(Run) { IsBackground = true, Name = $"TorchTrainer sink {Name}" };
        }

        public string Name { get; }

        public bool IsHung => _hung;

        public bool IsFinished => _finished.IsSet;

        private MetricSinkHostOptions Options => _host._options;

        public void Start() => _thread.Start();

        public SinkStatus GetStatus() =>
            new(Name, _disabled, _hung, Interlocked.Read(ref _droppedSteps), Interlocked.Read(ref _delivered));

        public void Post(SinkEvent e)
        {
            if (_disabled)
            {
                return;
            }

            CheckHang();
            lock (_queue)
            {
                if (_completed || _disabled)
                {
                    return;
                }

                if (e.Kind == SinkEventKind.Step)
                {
                    if (_queuedSteps >= Options.QueueCapacity)
                    {
                        DropOldestStep();
                    }

                    _queuedSteps++;
                }

                _queue.AddLast(e);
                Monitor.Pulse(_queue);
            }
        }

        public void Complete(SinkEvent? end)
        {
            CheckHang();
            lock (_queue)
            {
                if (end is not null && !_disabled)
                {
                    _queue.AddLast(end);
                }

                _completed = true;
                Monitor.Pulse(_queue);
            }
        }

        public void GiveUp()
        {
            Disable();
            CountDone();
            var what = _currentMethod is { } method ? $" (still in {method})" : "";
            _host.Report(
                $"Metric sink '{Name}' did not finish within {Describe(Options.EndTimeout)} after training ended{what}; " +
                "the trainer no longer waits for it.",
                null);
        }

        // Caller holds _queue. The oldest step sits near the head, behind at most the epoch events queued before it.
        private void DropOldestStep()
        {
            for (var node = _queue.First; node is not null; node = node.Next)
            {
                if (node.Value.Kind == SinkEventKind.Step)
                {
                    _queue.Remove(node);
                    _queuedSteps--;
                    Interlocked.Increment(ref _droppedSteps);
                    return;
                }
            }
        }

        private void CheckHang()
        {
            var started = Interlocked.Read(ref _callStartedAt);
            if (started == NotInCall || _hung || Options.TimeProvider.GetElapsedTime(started) <= Options.CallTimeout)
            {
                return;
            }

            lock (_queue)
            {
                if (_hung || Interlocked.Read(ref _callStartedAt) != started)
                {
                    return; // the call returned meanwhile, or another thread reported it
                }

                _hung = true;
            }

            Disable();
            CountDone(); // the end does not wait for a sink known to hang
            _host.Report(
                $"Metric sink '{Name}' did not return from {_currentMethod ?? "a call"} within {Describe(Options.CallTimeout)}; " +
                "it is disabled for the rest of this run and training goes on without it.",
                null);
        }

        private void CountDone()
        {
            if (Interlocked.Exchange(ref _countedDone, 1) == 0)
            {
                _host._pending.Signal();
            }
        }

        private void Disable()
        {
            lock (_queue)
            {
                _disabled = true;
                _queue.Clear();
                _queuedSteps = 0;
                Monitor.Pulse(_queue);
            }
        }

        private void Run()
        {
            try
            {
                while (true)
                {
                    SinkEvent e;
                    lock (_queue)
                    {
                        while (_queue.Count == 0 && !_completed && !_disabled)
                        {
                            Monitor.Wait(_queue);
                        }

                        if (_disabled || _queue.Count == 0)
                        {
                            break;
                        }

                        e = _queue.First!.Value;
                        _queue.RemoveFirst();
                        if (e.Kind == SinkEventKind.Step)
                        {
                            _queuedSteps--;
                        }
                    }

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
            _currentMethod = e.Method;
            Interlocked.Exchange(ref _callStartedAt, Options.TimeProvider.GetTimestamp());
            try
            {
                switch (e.Kind)
                {
                    case SinkEventKind.Start:
                        _sink.OnTrainingStart((TrainingStartInfo)e.Payload);
                        break;
                    case SinkEventKind.Step:
                        _sink.OnStep((StepProgress)e.Payload);
                        break;
                    case SinkEventKind.Epoch:
                        _sink.OnEpochEnd((EpochMetrics)e.Payload);
                        break;
                    default:
                        _sink.OnTrainingEnd((TrainingResults)e.Payload);
                        break;
                }

                _consecutiveFailures = 0;
                Interlocked.Increment(ref _delivered);
            }
            catch (Exception ex)
            {
                OnFailure(e.Method, ex);
            }
            finally
            {
                Interlocked.Exchange(ref _callStartedAt, NotInCall);
                _currentMethod = null;
            }
        }

        private void OnFailure(string method, Exception ex)
        {
            if (_hung)
            {
                return; // already reported and disabled
            }

            var failures = ++_consecutiveFailures;
            var disable = failures >= Options.MaxConsecutiveFailures;
            if (Interlocked.Exchange(ref _failureReported, 1) == 0)
            {
                var next = disable
                    ? "it is disabled for the rest of this run"
                    : $"it is disabled after {Options.MaxConsecutiveFailures} failures in a row";
                _host.Report($"Metric sink '{Name}' threw {ex.GetType().Name} in {method}: \"{ex.Message}\". Training goes on; {next}.", ex);
            }
            else if (disable)
            {
                _host.Report($"Metric sink '{Name}' failed {failures} times in a row; it is disabled for the rest of this run.", null);
            }

            if (disable)
            {
                Disable();
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
                if (Interlocked.Exchange(ref _failureReported, 1) == 0)
                {
                    _host.Report($"Metric sink '{Name}' threw {ex.GetType().Name} in Dispose: \"{ex.Message}\".", ex);
                }
            }
        }
    }
}

/// <summary>What happened to one sink of a <see cref="MetricSinkHost"/>.</summary>
/// <param name="Name">The sink's type name, as reports name it.</param>
/// <param name="Disabled">The sink gets no more events (it failed too often, hung, or was given up on at the end).</param>
/// <param name="Hung">A call of the sink exceeded the call timeout.</param>
/// <param name="DroppedSteps">Step reports dropped because the sink was behind.</param>
/// <param name="Delivered">Calls that returned normally.</param>
internal sealed record SinkStatus(string Name, bool Disabled, bool Hung, long DroppedSteps, long Delivered);
