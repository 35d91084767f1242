namespace TorchTrainer;

/// <summary>
/// One sink's waiting events, with the drop policy: at most <c>stepCapacity</c> step reports wait;
/// a new one past that drops the oldest waiting step report. Start, epoch and end events are never
/// dropped. One producer side (the trainer) and one consumer (the sink's thread); thread-safe.
/// </summary>
internal sealed class SinkEventQueue(int stepCapacity)
{
    private readonly LinkedList<SinkEvent> _events = new(); // guarded by itself
    private int _waitingSteps;      // guarded by _events
    private bool _completed;        // guarded by _events: no more events will come
    private volatile bool _closed;  // set under _events: nothing more is taken or delivered
    private long _droppedSteps;

    /// <summary>Step reports dropped because the sink was behind.</summary>
    public long DroppedSteps => Interlocked.Read(ref _droppedSteps);

    /// <summary>The queue was closed (its sink disabled): it takes and hands out nothing more.</summary>
    public bool IsClosed => _closed;

    /// <summary>Adds an event, dropping the oldest waiting step report when a step would exceed the capacity; ignored once completed or closed.</summary>
    public void Add(SinkEvent e)
    {
        lock (_events)
        {
            if (_completed || _closed)
            {
                return;
            }

            if (e.Kind == SinkEventKind.Step)
            {
                if (_waitingSteps >= stepCapacity)
                {
                    DropOldestStep();
                }

                _waitingSteps++;
            }

            _events.AddLast(e);
            Monitor.Pulse(_events);
        }
    }

    /// <summary>Adds <paramref name="last"/> (unless closed) and marks the end: <see cref="TryTake"/> returns false once the rest is taken.</summary>
    public void Complete(SinkEvent? last)
    {
        lock (_events)
        {
            if (last is not null && !_closed)
            {
                _events.AddLast(last);
            }

            _completed = true;
            Monitor.Pulse(_events);
        }
    }

    /// <summary>Drops every waiting event and refuses new ones; a waiting <see cref="TryTake"/> returns false.</summary>
    public void Close()
    {
        lock (_events)
        {
            _closed = true;
            _events.Clear();
            _waitingSteps = 0;
            Monitor.Pulse(_events);
        }
    }

    /// <summary>Waits for the next event; false when the queue is completed and empty, or closed.</summary>
    public bool TryTake(out SinkEvent next)
    {
        lock (_events)
        {
            while (_events.Count == 0 && !_completed && !_closed)
            {
                Monitor.Wait(_events);
            }

            if (_closed || _events.Count == 0)
            {
                next = null!;
                return false;
            }

            next = _events.First!.Value;
            _events.RemoveFirst();
            if (next.Kind == SinkEventKind.Step)
            {
                _waitingSteps--;
            }

            return true;
        }
    }

    // Caller holds _events. The oldest step sits near the head, behind at most the epoch events queued before it.
    private void DropOldestStep()
    {
        for (var node = _events.First; node is not null; node = node.Next)
        {
            if (node.Value.Kind == SinkEventKind.Step)
            {
                _events.Remove(node);
                _waitingSteps--;
                Interlocked.Increment(ref _droppedSteps);
                return;
            }
        }
    }
}
