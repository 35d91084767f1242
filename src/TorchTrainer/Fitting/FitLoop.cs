using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using TorchTrainer.Checkpoints;
using static TorchSharp.torch;

namespace TorchTrainer.Fitting;

/// <summary>
/// Runs a <see cref="RunPlan"/>: restores the checkpoint to resume (or seeds torch), then for each
/// epoch trains it (<see cref="EpochLoop"/>), validates it when due (<see cref="ValidationLoop"/>),
/// adds the caller's metrics, records the row, feeds <see cref="EarlyStopping"/> and checkpoints
/// (<see cref="Checkpointer"/>). However the run ends, <see cref="RunFinish"/> finishes it.
/// </summary>
internal sealed class FitLoop
{
    private readonly RunPlan _plan;
    private readonly TrainerOptions _options;
    private readonly AdamW _optimizer;
    private readonly MetricSinkHost _sinks;
    private readonly EpochLoop _epochs;
    private readonly ValidationLoop? _validation;
    private readonly EarlyStopping _earlyStopping;
    private readonly List<Dictionary<string, double>> _rows = [];
    private readonly Stopwatch _clock = new();
    private readonly CancellationToken _ct;
    private double _previousSeconds;
    private int _epoch;

    private FitLoop(RunPlan plan, Parameter[] parameters, AdamW optimizer, MetricSinkHost sinks, CancellationToken ct)
    {
        _plan = plan;
        _options = plan.Options;
        _optimizer = optimizer;
        _sinks = sinks;
        _epochs = new EpochLoop(plan, parameters, optimizer, sinks, ct);
        _validation = plan.Validation is null ? null : new ValidationLoop(plan, ct);
        _earlyStopping = new EarlyStopping(_options.EarlyStoppingPatience, validated: plan.Validation is not null);
        _ct = ct;
    }

    private TimeSpan TrainingTime => TimeSpan.FromSeconds(_previousSeconds + _clock.Elapsed.TotalSeconds);

    /// <summary>Trains as planned and returns the results, or throws the exception that carries them.</summary>
    public static TrainingResults Run(RunPlan plan, CancellationToken ct)
    {
        var options = plan.Options;
        Parameter[] parameters = [.. plan.Model.parameters()];
        using var optimizer = torch.optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
        if (plan.ResumeFrom is { } resume)
        {
            Checkpointer.Restore(resume.Path, plan.Model, optimizer); // before any sink starts: a mismatch is a set-up error
        }
        else
        {
            torch.manual_seed(options.Seed);
        }

        using var sinks = new MetricSinkHost(options.Sinks, new MetricSinkHostOptions { Logger = options.Logger });
        var fit = new FitLoop(plan, parameters, optimizer, sinks, ct);
        return fit.Fit(plan.ResumeFrom?.State);
    }

    private TrainingResults Fit(CheckpointState? resumed)
    {
        var startEpoch = 1;
        var skipSteps = 0;
        var lossSumBits = 0;
        var stoppedEarly = false;
        if (resumed is not null)
        {
            _rows.AddRange(resumed.Rows);
            _epochs.GlobalStep = resumed.GlobalStep;
            _previousSeconds = resumed.TrainingTimeSeconds;
            _earlyStopping.Restore(resumed.EarlyStopping, resumed.Rows);
            startEpoch = resumed.EpochsCompleted + 1;
            skipSteps = resumed.StepInEpoch;
            lossSumBits = resumed.EpochLossSumBits;
            stoppedEarly = resumed.StoppedEarly;
        }

        _sinks.OnTrainingStart(new TrainingStartInfo(_options.Epochs, _plan.StepsPerEpoch, startEpoch, _plan.OutputDirectory));
        _clock.Start();
        _epoch = startEpoch;
        RunEnding ending;
        try
        {
            ending = stoppedEarly ? new RunEnding.Completed() : TrainEpochs(startEpoch, skipSteps, lossSumBits);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ending = new RunEnding.Failed(_epoch, _epochs.StepInEpoch, e);
        }

        _clock.Stop();
        return RunFinish.Finish(ending, MetricsSummary.FromRows(_rows), TrainingTime, _plan, _plan.Checkpointer, _sinks);
    }

    private RunEnding TrainEpochs(int startEpoch, int skipSteps, int lossSumBits)
    {
        for (var epoch = startEpoch; epoch <= _options.Epochs; epoch++)
        {
            _epoch = epoch;
            var epochClock = Stopwatch.StartNew();
            var trained = _epochs.Run(epoch, skipSteps, lossSumBits);
            skipSteps = 0;
            lossSumBits = 0;
            switch (trained.End)
            {
                case EpochEnd.NonFinite:
                    return new RunEnding.NonFiniteLoss(epoch, trained.Steps);
                case EpochEnd.Canceled:
                    return StopMidEpoch(epoch, trained);
            }

            var row = new Dictionary<string, double>
            {
                [StandardColumns.Epoch] = epoch,
                [StandardColumns.TrainLoss] = (double)trained.LossSum / trained.Steps,
            };
            double? valLoss = null;
            if (_validation is not null)
            {
                if (epoch % _options.ValidateEveryEpochs == 0 || epoch == _options.Epochs)
                {
                    var validated = _validation.Run(epoch);
                    if (validated.Canceled)
                    {
                        return StopMidEpoch(epoch, trained); // the epoch is trained: Resume validates it
                    }

                    valLoss = validated.Loss;
                }

                row[StandardColumns.ValLoss] = valLoss ?? double.NaN;
                row[StandardColumns.ValPerplexity] = valLoss is { } v ? Math.Exp(v) : double.NaN;
            }

            row[StandardColumns.LearningRate] = trained.LearningRate;
            CallerMetrics.AddTo(row, epoch, valLoss, _plan);
            row[StandardColumns.EpochSeconds] = epochClock.Elapsed.TotalSeconds;
            _rows.Add(row);

            var improved = _earlyStopping.Observe(row);
            var stop = _earlyStopping.ShouldStop;
            _plan.Checkpointer?.SaveEpoch(State(epoch, 0, 0, stop), improved, _plan.Model, _optimizer);
            _sinks.OnEpochEnd(MetricsSummary.FromRows(_rows)[^1]);
            _options.Logger?.LogInformation(
                "Epoch {Epoch}/{Epochs}: train/loss {TrainLoss:G5}{Val}, lr {Lr:G3}",
                epoch, _options.Epochs, row[StandardColumns.TrainLoss], valLoss is { } vl ? $", val/loss {vl:G5}" : "", trained.LearningRate);
            if (stop)
            {
                _options.Logger?.LogInformation("Early stopping after epoch {Epoch}: no improvement for {Patience} validated epochs.", epoch, _earlyStopping.EpochsWithoutImprovement);
                break;
            }
        }

        return new RunEnding.Completed();
    }

    /// <summary>Cancelled at a step boundary: saves where the epoch stands (its steps and loss sum) so Resume continues exactly there.</summary>
    private RunEnding.Canceled StopMidEpoch(int epoch, EpochOutcome trained)
    {
        _plan.Checkpointer?.SaveStopped(State(epoch - 1, trained.Steps, BitConverter.SingleToInt32Bits(trained.LossSum), stoppedEarly: false), _plan.Model, _optimizer);
        return new RunEnding.Canceled(epoch, trained.Steps, _ct);
    }

    private CheckpointState State(int epochsCompleted, int stepInEpoch, int lossSumBits, bool stoppedEarly) => new()
    {
        EpochsCompleted = epochsCompleted,
        StepInEpoch = stepInEpoch,
        GlobalStep = _epochs.GlobalStep,
        EpochLossSumBits = lossSumBits,
        StoppedEarly = stoppedEarly,
        Seed = _options.Seed,
        TrainingTimeSeconds = TrainingTime.TotalSeconds,
        Rows = _rows,
        EarlyStopping = _earlyStopping.ToState(),
    };
}
