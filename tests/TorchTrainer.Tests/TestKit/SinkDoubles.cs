using System.Collections.Concurrent;

namespace TorchTrainer.Tests;

/// <summary>
/// Records what it is told (from any thread): each call as a short string in <see cref="Events"/> ("start",
/// "step {global step}", "epoch {epoch}", "end"), the objects it got, and its disposal.
/// </summary>
internal class RecordingSink : IMetricSink, IDisposable
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<TrainingStartInfo> _starts = new();
    private readonly ConcurrentQueue<StepProgress> _steps = new();

    public List<string> Events => [.. _events];

    public List<TrainingStartInfo> Starts => [.. _starts];

    public List<StepProgress> Steps => [.. _steps];

    public TrainingResults? End { get; private set; }

    public bool Disposed => DisposedSignal.IsSet;

    public ManualResetEventSlim DisposedSignal { get; } = new(false);

    public virtual void OnTrainingStart(TrainingStartInfo info)
    {
        _starts.Enqueue(info);
        _events.Enqueue("start");
    }

    public virtual void OnStep(StepProgress step)
    {
        _steps.Enqueue(step);
        _events.Enqueue($"step {step.GlobalStep}");
    }

    public virtual void OnEpochEnd(EpochMetrics metrics) => _events.Enqueue($"epoch {metrics.Epoch}");

    public virtual void OnTrainingEnd(TrainingResults results)
    {
        End = results;
        _events.Enqueue("end");
    }

    public virtual void Dispose() => DisposedSignal.Set();
}

/// <summary>Throws "sink exploded" on the calls <c>fails(callNumber)</c> picks (1-based); records the others.</summary>
internal sealed class ThrowingSink(Func<int, bool> fails) : RecordingSink
{
    public int Calls;

    public override void OnTrainingStart(TrainingStartInfo info) => Call(() => base.OnTrainingStart(info));

    public override void OnStep(StepProgress step) => Call(() => base.OnStep(step));

    public override void OnEpochEnd(EpochMetrics metrics) => Call(() => base.OnEpochEnd(metrics));

    public override void OnTrainingEnd(TrainingResults results) => Call(() => base.OnTrainingEnd(results));

    private void Call(Action record)
    {
        if (fails(Interlocked.Increment(ref Calls)))
        {
            throw new InvalidOperationException("sink exploded");
        }

        record();
    }
}

/// <summary>Blocks in the method named <c>hangIn</c> (the first time only, with <c>once</c>) until the test releases it.</summary>
internal sealed class HangingSink(string hangIn, bool once = false) : RecordingSink
{
    private readonly ManualResetEventSlim _gate = new(false);
    private int _hung;

    public ManualResetEventSlim Entered { get; } = new(false);

    public void Release() => _gate.Set();

    public override void OnTrainingStart(TrainingStartInfo info)
    {
        base.OnTrainingStart(info);
        Hang(nameof(OnTrainingStart));
    }

    public override void OnStep(StepProgress step)
    {
        base.OnStep(step);
        Hang(nameof(OnStep));
    }

    public override void OnEpochEnd(EpochMetrics metrics)
    {
        base.OnEpochEnd(metrics);
        Hang(nameof(OnEpochEnd));
    }

    public override void OnTrainingEnd(TrainingResults results)
    {
        base.OnTrainingEnd(results);
        Hang(nameof(OnTrainingEnd));
    }

    public override void Dispose()
    {
        if (!DisposedSignal.IsSet)
        {
            // The host disposes its sinks; the test disposes too, to release a sink still blocked.
            _gate.Set();
            base.Dispose();
        }
    }

    private void Hang(string method)
    {
        if (method == hangIn && (!once || Interlocked.Exchange(ref _hung, 1) == 0))
        {
            Entered.Set();
            _gate.Wait();
        }
    }
}
