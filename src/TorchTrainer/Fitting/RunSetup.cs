using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchTrainer.Checkpoints;
using static TorchSharp.torch;

namespace TorchTrainer.Fitting;

/// <summary>
/// Checks everything that can be found wrong before the first step (folders, data, model and loss,
/// the checkpoint to resume) and returns the <see cref="RunPlan"/>. Every problem is a
/// <see cref="TrainingSetupException"/> naming its cause and fix.
/// </summary>
internal static class RunSetup
{
    public static RunPlan Prepare(
        TrainerOptions options,
        nn.Module<Tensor, Tensor> model,
        IEnumerable<(Tensor Input, Tensor Target)> train,
        IEnumerable<(Tensor Input, Tensor Target)>? validation,
        bool resume,
        string? resumeDirectory)
    {
        var (checkpointer, resumeFrom) = PrepareFolders(options, resume, resumeDirectory);
        if (options.Threads is { } threads)
        {
            torch.set_num_threads(threads);
        }

        var device = options.ResolvedDevice;
        model.to(device);
        var probe = new FirstBatchProbe(model, options.Loss, device);
        var stepsPerEpoch = probe.Check(train, "training data");
        if (validation is not null)
        {
            probe.Check(validation, "validation data");
        }

        if (options.Schedule.NeedsTotalSteps && stepsPerEpoch is null)
        {
            stepsPerEpoch = CountBatches(train);
        }

        var totalSteps = (long)(stepsPerEpoch ?? 0) * options.Epochs;
        return new RunPlan(options, model, train, validation, device, stepsPerEpoch, totalSteps, checkpointer, resumeFrom);
    }

    private static (Checkpointer? Checkpointer, ResumePoint? ResumeFrom) PrepareFolders(TrainerOptions options, bool resume, string? resumeDirectory)
    {
        var log = options.Logger;
        if (options.OutputDirectory is { } output)
        {
            EnsureWritable(output, nameof(TrainerOptions.OutputDirectory), "write no results.json");
        }

        CheckpointStore? store = null;
        if (options.CheckpointDirectory is { } checkpoints)
        {
            EnsureWritable(checkpoints, nameof(TrainerOptions.CheckpointDirectory), "write no checkpoints");
            store = new CheckpointStore(checkpoints, options.CheckpointsToKeep, log);
            if (!resume && store.Scan().Count > 0)
            {
                log?.LogInformation(
                    "CheckpointDirectory '{Folder}' already holds checkpoints; this new run's checkpoints supersede them and older ones are pruned.", store.Directory);
            }
        }

        if (!resume)
        {
            return (store is null ? null : new Checkpointer(store), null);
        }

        var from = resumeDirectory ?? options.CheckpointDirectory ?? throw new TrainingSetupException(
            "Resume needs the run's checkpoint folder: pass checkpointDirectory to Resume or set TrainerOptions.CheckpointDirectory.");
        if (!Directory.Exists(from))
        {
            throw new TrainingSetupException($"The checkpoint folder '{Path.GetFullPath(from)}' does not exist. Pass the CheckpointDirectory of the run you want to resume.");
        }

        var source = new CheckpointStore(from, options.CheckpointsToKeep, log);
        var point = source.FindResumePoint() ?? throw new TrainingSetupException(
            $"The checkpoint folder '{source.Directory}' holds no complete, undamaged checkpoint, so there is nothing to resume. " +
            "Start the run again with Trainer.Train.");
        if (store is null)
        {
            EnsureWritable(from, "checkpointDirectory", "write no checkpoints");
            store = source; // new checkpoints continue in the folder resumed from
        }

        log?.LogInformation("Resuming from checkpoint '{Checkpoint}' (epoch {Epoch}, step {Step}).", point.Path, point.State.EpochsCompleted + 1, point.State.StepInEpoch);
        var checkpointer = new Checkpointer(store, last: point.Path, best: source.FindNewestValid(CheckpointStore.Best));
        return (checkpointer, new ResumePoint(point.Path, point.State));
    }

    private static void EnsureWritable(string folder, string option, string alternative)
    {
        try
        {
            var full = Path.GetFullPath(folder);
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".torchtrainer-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TrainingSetupException(
                $"{option} '{folder}' cannot be written to ({e.Message}). Choose a folder you can write to, or set {option} to null to {alternative}.", e);
        }
    }

    private static int CountBatches(IEnumerable<(Tensor Input, Tensor Target)> data)
    {
        var count = 0;
        using var batches = data.GetEnumerator();
        while (true)
        {
            using var scope = torch.NewDisposeScope();
            if (!batches.MoveNext())
            {
                return count;
            }

            count++;
        }
    }
}
