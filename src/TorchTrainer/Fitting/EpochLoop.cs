using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTrainer.Fitting;

/// <summary>How an epoch's training ended.</summary>
internal enum EpochEnd
{
    /// <summary>Every batch was trained; <see cref="EpochOutcome.LossSum"/> is finite.</summary>
    Trained,

    /// <summary>The token was cancelled at a step boundary; the loss so far is finite.</summary>
    Canceled,

    /// <summary>A loss was NaN or infinite; <see cref="EpochOutcome.Steps"/> is the step of the first one.</summary>
    NonFinite,
}

/// <summary>What one epoch's training returns to the fit loop.</summary>
/// <param name="End">How it ended.</param>
/// <param name="Steps">Steps trained in the epoch (the failing step for <see cref="EpochEnd.NonFinite"/>).</param>
/// <param name="LossSum">The float32 sum of the step losses (read once, at the end or at cancellation).</param>
/// <param name="LearningRate">The rate of the last step.</param>
internal readonly record struct EpochOutcome(EpochEnd End, int Steps, float LossSum, double LearningRate);

/// <summary>
/// Trains one epoch: the hot path. Per step it sets the learning rate, runs forward, backward,
/// clipping and the optimizer in one dispose scope, and adds the loss to device tensors only (no
/// host sync); the host reads the loss once per log interval and once per epoch.
/// </summary>
internal sealed class EpochLoop(RunPlan plan, Parameter[] parameters, AdamW optimizer, MetricSinkHost sinks, CancellationToken ct)
{
    private readonly TrainerOptions _options = plan.Options;
    private readonly nn.Module<Tensor, Tensor> _model = plan.Model;
    private readonly Device _device = plan.Device;

    /// <summary>Optimizer steps since the run began (the schedule's position); set on resume.</summary>
    public long GlobalStep { get; set; }

    /// <summary>The steps taken so far in the current epoch, for naming where a run failed.</summary>
    public int StepInEpoch { get; private set; }

    /// <summary>
    /// Trains epoch <paramref name="epoch"/>. On resume, its first <paramref name="skipSteps"/> batches
    /// were already trained and their losses summed to the float32 whose bits are <paramref name="lossSumBits"/>.
    /// </summary>
    public EpochOutcome Run(int epoch, int skipSteps, int lossSumBits)
    {
        (plan.Train as IEpochAwareData)?.SetEpoch(epoch);
        (plan.Validation as IEpochAwareData)?.SetEpoch(epoch);
        _model.train();

        var lr = CurrentRate(epoch);
        using var epochSum = skipSteps > 0
            ? torch.tensor(new[] { BitConverter.Int32BitsToSingle(lossSumBits) }, device: _device)
            : torch.zeros(1, dtype: torch.float32, device: _device);
        using var intervalSum = torch.zeros(1, dtype: torch.float32, device: _device);
        // The current log interval's step losses, on the device: read only when a loss turned out
        // non-finite, to name the step that did it. One copy a step, no host sync.
        using var intervalLosses = torch.empty(_options.LogIntervalSteps, dtype: torch.float32, device: _device);
        var intervalSteps = 0;
        using var batches = plan.Train.GetEnumerator();
        var step = SkipTrainedSteps(batches, epoch, skipSteps);
        while (true)
        {
            if (ct.IsCancellationRequested)
            {
                var sumSoFar = epochSum.item<float>();
                return float.IsFinite(sumSoFar)
                    ? new(EpochEnd.Canceled, step, sumSoFar, lr)
                    : new(EpochEnd.NonFinite, FirstNonFiniteStep(intervalLosses, intervalSteps, step), sumSoFar, lr);
            }

            using (var scope = torch.NewDisposeScope())
            {
                if (!batches.MoveNext())
                {
                    break;
                }

                var (input, target) = batches.Current;
                lr = CurrentRate(epoch);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = lr;
                }

                optimizer.zero_grad();
                var loss = _options.Loss(_model.call(OnDevice(input)), OnDevice(target));
                loss.backward();
                if (_options.GradientClipNorm is { } clip)
                {
                    GradientClipping.ClipByGlobalNorm(parameters, clip);
                }

                optimizer.step();

                // All on the device: no host sync per step.
                var value = loss.detach().reshape(1);
                epochSum.add_(value);
                intervalSum.add_(value);
                intervalLosses.narrow(0, intervalSteps, 1).copy_(value);
            }

            StepInEpoch = ++step;
            GlobalStep++;
            if (++intervalSteps == _options.LogIntervalSteps)
            {
                if (ReportInterval(epoch, step, intervalSum, intervalSteps, lr, intervalLosses) is { } nonFiniteStep)
                {
                    return new(EpochEnd.NonFinite, nonFiniteStep, float.NaN, lr);
                }

                intervalSteps = 0;
            }
        }

        if (step == 0)
        {
            throw new InvalidOperationException(
                $"The training data yielded no batch in epoch {epoch}. The data must be iterable once per epoch: pass a list, a TrainingData adapter, or an IEnumerable whose GetEnumerator starts over (not a one-shot iterator).");
        }

        if (intervalSteps > 0 && ReportInterval(epoch, step, intervalSum, intervalSteps, lr, intervalLosses) is { } lastNonFinite)
        {
            return new(EpochEnd.NonFinite, lastNonFinite, float.NaN, lr);
        }

        var sum = epochSum.item<float>(); // the epoch's one read
        return float.IsFinite(sum)
            ? new(EpochEnd.Trained, step, sum, lr)
            : new(EpochEnd.NonFinite, step, sum, lr); // every interval was finite: the sum itself overflowed
    }

    private int SkipTrainedSteps(IEnumerator<(Tensor Input, Tensor Target)> batches, int epoch, int skipSteps)
    {
        StepInEpoch = 0;
        for (var step = 0; step < skipSteps; step++)
        {
            using var skip = torch.NewDisposeScope();
            if (!batches.MoveNext())
            {
                throw new InvalidOperationException(
                    $"The checkpoint stopped in epoch {epoch} after step {skipSteps}, but the training data now has only {step} batches. Resume with the run's original data.");
            }

            StepInEpoch = step + 1;
        }

        return skipSteps;
    }

    private double CurrentRate(int epoch) => _options.Schedule.RateAt(_options.LearningRate, GlobalStep, epoch, plan.TotalSteps);

    private Tensor OnDevice(Tensor t) => t.device == _device ? t : t.to(_device);

    /// <summary>Reads the interval's loss (one host sync) and reports it; returns the first non-finite step instead when there is one.</summary>
    private int? ReportInterval(int epoch, int step, Tensor intervalSum, int steps, double lr, Tensor intervalLosses)
    {
        using var scope = torch.NewDisposeScope(); // zero_() hands back a new tensor handle
        var sum = intervalSum.item<float>(); // one read per log interval
        intervalSum.zero_();
        if (!float.IsFinite(sum))
        {
            return FirstNonFiniteStep(intervalLosses, steps, step);
        }

        sinks.OnStep(new StepProgress(epoch, step, plan.StepsPerEpoch, GlobalStep, (double)sum / steps, lr));
        return null;
    }

    /// <summary>
    /// The 1-based step of the first non-finite loss among the <paramref name="count"/> steps of the current
    /// interval, which ended at <paramref name="lastStep"/>; <paramref name="lastStep"/> when each loss was finite.
    /// Reads the device, so it is called only when a run fails.
    /// </summary>
    private static int FirstNonFiniteStep(Tensor intervalLosses, int count, int lastStep)
    {
        if (count == 0)
        {
            return lastStep;
        }

        using var scope = torch.NewDisposeScope();
        var losses = intervalLosses.narrow(0, 0, count).cpu().data<float>().ToArray();
        var first = Array.FindIndex(losses, loss => !float.IsFinite(loss));
        return first < 0 ? lastStep : lastStep - count + 1 + first;
    }
}
