namespace TorchTrainer;

/// <summary>The shape of a <see cref="LearningRateSchedule"/> after its warm-up.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>The base learning rate throughout.</summary>
    Constant,

    /// <summary>Cosine decay from the base learning rate to <see cref="LearningRateSchedule.MinFactor"/> × base over the run's steps.</summary>
    Cosine,

    /// <summary>Multiply by <see cref="LearningRateSchedule.Gamma"/> every <see cref="LearningRateSchedule.StepEpochs"/> epochs.</summary>
    Step,
}

/// <summary>
/// How the learning rate changes over a run. The rate is a pure function of the global step
/// (and epoch), so a resumed run gets exactly the rates the uninterrupted run would have had.
/// </summary>
public sealed record LearningRateSchedule
{
    /// <summary>The schedule after warm-up.</summary>
    public LearningRateScheduleKind Kind { get; init; } = LearningRateScheduleKind.Constant;

    /// <summary>Steps of linear warm-up from base/WarmupSteps to the base rate; 0 for none.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Cosine: the final rate as a fraction of the base rate (0 ≤ MinFactor ≤ 1).</summary>
    public double MinFactor { get; init; }

    /// <summary>Step: epochs between decays.</summary>
    public int StepEpochs { get; init; } = 1;

    /// <summary>Step: the factor applied at every decay (0 &lt; Gamma ≤ 1).</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>The base rate throughout (after an optional warm-up).</summary>
    public static LearningRateSchedule Constant(int warmupSteps = 0) => new() { WarmupSteps = warmupSteps };

    /// <summary>Cosine decay to <paramref name="minFactor"/> × base over the whole run, after an optional warm-up.</summary>
    public static LearningRateSchedule Cosine(int warmupSteps = 0, double minFactor = 0) =>
        new() { Kind = LearningRateScheduleKind.Cosine, WarmupSteps = warmupSteps, MinFactor = minFactor };

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepEpochs"/> epochs, after an optional warm-up.</summary>
    public static LearningRateSchedule Step(int stepEpochs, double gamma = 0.1, int warmupSteps = 0) =>
        new() { Kind = LearningRateScheduleKind.Step, StepEpochs = stepEpochs, Gamma = gamma, WarmupSteps = warmupSteps };

    /// <summary>Whether the schedule needs the total number of steps of the run (so the data must be counted).</summary>
    internal bool NeedsTotalSteps => Kind == LearningRateScheduleKind.Cosine;

    /// <summary>
    /// The learning rate of the step with 0-based <paramref name="globalStep"/>, taken in the
    /// 1-based <paramref name="epoch"/> of a run of <paramref name="totalSteps"/> steps.
    /// </summary>
    internal double RateAt(double baseRate, long globalStep, int epoch, long totalSteps)
    {
        if (WarmupSteps > 0 && globalStep < WarmupSteps)
        {
            return baseRate * (globalStep + 1) / WarmupSteps;
        }

        switch (Kind)
        {
            case LearningRateScheduleKind.Cosine:
                var span = Math.Max(1, totalSteps - WarmupSteps);
                var progress = Math.Clamp((double)(globalStep - WarmupSteps) / span, 0, 1);
                return baseRate * (MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
            case LearningRateScheduleKind.Step:
                return baseRate * Math.Pow(Gamma, (epoch - 1) / StepEpochs);
            default:
                return baseRate;
        }
    }

    internal IEnumerable<string> Problems()
    {
        if (WarmupSteps < 0)
        {
            yield return $"LearningRateSchedule.WarmupSteps is {WarmupSteps}; use 0 (no warm-up) or a positive number of steps.";
        }

        if (Kind == LearningRateScheduleKind.Cosine && !(MinFactor >= 0 && MinFactor <= 1))
        {
            yield return $"LearningRateSchedule.MinFactor is {MinFactor}; use a fraction of the base rate between 0 and 1.";
        }

        if (Kind == LearningRateScheduleKind.Step && StepEpochs < 1)
        {
            yield return $"LearningRateSchedule.StepEpochs is {StepEpochs}; decay every 1 or more epochs.";
        }

        if (Kind == LearningRateScheduleKind.Step && !(Gamma > 0 && Gamma <= 1))
        {
            yield return $"LearningRateSchedule.Gamma is {Gamma}; use a factor in (0, 1].";
        }
    }
}
