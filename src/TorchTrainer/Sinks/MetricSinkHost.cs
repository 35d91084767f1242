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
/// The rooms: <see cref="SinkWorker"/> (a sink's thread), <see cref="SinkEventQueue"/> (its queue and
/// drop policy), <see cref="SinkCallWatch"/> (hang detection), <see cref="SinkFailurePolicy"/> (when a
/// throwing sink is reported and disabled) and <see cref="SinkProblemReporter"/> (where reports go).
/// </remarks>
internal sealed class MetricSinkHost : IDisposable
{
    private readonly SinkWorker[] _workers;
    private readonly MetricSinkHostOptions _options;
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
        var reporter = new SinkProblemReporter(_options.Logger, _options.FallbackWriter);
        for (var i = 0; i < list.Count; i++)
        {
            _workers[i] = new SinkWorker(list[i], _options, reporter, _pending);
        }

        foreach (var worker in _workers)
        {
            worker.Start();
        }
    }

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
}

/// <summary>What happened to one sink of a <see cref="MetricSinkHost"/>.</summary>
/// <param name="Name">The sink's type name, as reports name it.</param>
/// <param name="Disabled">The sink gets no more events (it failed too often, hung, or was given up on at the end).</param>
/// <param name="Hung">A call of the sink exceeded the call timeout.</param>
/// <param name="DroppedSteps">Step reports dropped because the sink was behind.</param>
/// <param name="Delivered">Calls that returned normally.</param>
internal sealed record SinkStatus(string Name, bool Disabled, bool Hung, long DroppedSteps, long Delivered);
