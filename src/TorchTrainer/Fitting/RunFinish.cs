using Microsoft.Extensions.Logging;

namespace TorchTrainer.Fitting;

/// <summary>How a run ended; <see cref="RunFinish.Finish"/> turns it into results or the matching exception.</summary>
internal abstract record RunEnding
{
    private RunEnding()
    {
    }

    /// <summary>Every epoch ran, or early stopping ended the run.</summary>
    public sealed record Completed : RunEnding;

    /// <summary>The token was cancelled in <paramref name="Epoch"/> after <paramref name="Step"/> steps.</summary>
    public sealed record Canceled(int Epoch, int Step, CancellationToken Token) : RunEnding;

    /// <summary>The loss of <paramref name="Step"/> in <paramref name="Epoch"/> was NaN or infinite.</summary>
    public sealed record NonFiniteLoss(int Epoch, int Step) : RunEnding;

    /// <summary>Something threw in <paramref name="Epoch"/> after <paramref name="Step"/> steps.</summary>
    public sealed record Failed(int Epoch, int Step, Exception Error) : RunEnding;
}

/// <summary>
/// The one place a run ends: builds the results of the completed epochs, saves results.json when an
/// output folder is set (a failed save is logged, never thrown), hands the results to the sinks, and
/// returns them or throws the exception that carries them.
/// </summary>
internal static class RunFinish
{
    public const string ResultsFileName = "results.json";

    public static TrainingResults Finish(RunEnding ending, MetricsSummary metrics, TimeSpan trainingTime, RunPlan plan, Checkpointer? checkpointer, MetricSinkHost sinks)
    {
        var log = plan.Options.Logger;
        var results = new TrainingResults(metrics, trainingTime, checkpointer?.Best)
        {
            Logger = log, // legacy-API warnings of these results go to the trainer's logger
        };
        Save(results, plan.OutputDirectory, log);
        sinks.OnTrainingEnd(results);

        var last = checkpointer?.Last;
        switch (ending)
        {
            case RunEnding.Completed:
                log?.LogInformation("Training finished: {Epochs} epochs, final train/loss {Loss}.", metrics.Count, results.FinalLoss);
                return results;
            case RunEnding.Canceled c:
                throw new TrainingCanceledException(results, last, c.Epoch, c.Step, c.Token);
            case RunEnding.NonFiniteLoss n:
                throw new NonFiniteLossException(n.Epoch, n.Step, results, last);
            case RunEnding.Failed f:
                throw new TrainingFailedException(
                    $"Training failed in epoch {f.Epoch}, step {f.Step}: {f.Error.Message}" +
                    (last is null ? "" : $" The last good checkpoint is '{last}'; Trainer.Resume continues from it."),
                    results,
                    last,
                    f.Error);
            default:
                throw new ArgumentOutOfRangeException(nameof(ending), ending, "Unknown run ending.");
        }
    }

    private static void Save(TrainingResults results, string? output, ILogger? log)
    {
        if (output is null)
        {
            return;
        }

        try
        {
            results.Save(Path.Combine(output, ResultsFileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.LogError(e, "Could not save {File} to '{Folder}': {Error}", ResultsFileName, output, e.Message);
        }
    }
}
