using System.Globalization;
using TorchTrainer.Checkpoints;
using TorchTrainer.Tests.Training;

namespace TorchTrainer.Tests.Checkpoints;

[Collection(TorchCollection.Name)]
public sealed class CheckpointRecoveryTests
{
    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    public void Resume_falls_back_from_a_damaged_last_checkpoint_to_the_previous_good_one_and_still_matches(string damage)
    {
        var (train, val) = Toy.Batches();
        var full = new Trainer(Toy.Model(), Toy.Options(epochs: 4)).Train(train, val);

        var folder = Toy.TempFolder("fallback");
        new Trainer(Toy.Model(), Toy.Options(epochs: 3) with { CheckpointDirectory = folder }).Train(train, val);
        var store = new CheckpointStore(folder);
        var newestLast = store.FindNewestValid(CheckpointStore.Last)!;
        CheckpointStoreTests.Damage(newestLast, damage);

        var logger = new ListLogger();
        var resumed = new Trainer(Toy.Model(seed: 1), Toy.Options(epochs: 4) with { CheckpointDirectory = folder, Logger = logger }).Resume(train, val);

        Assert.Contains(logger.Warnings, w => w.Contains(newestLast) && w.Contains("previous good checkpoint"));
        Assert.Equal(Toy.Bits(full.MetricsSummary.TrainLoss), Toy.Bits(resumed.MetricsSummary.TrainLoss));
        Assert.Equal(Toy.Bits(full.MetricsSummary.ValLoss), Toy.Bits(resumed.MetricsSummary.ValLoss));
    }

    private static readonly TimeSpan ChildLimit = TimeSpan.FromMinutes(3); // a hang guard per wait, not a timing assertion

    /// <summary>
    /// Kills a process that trains and checkpoints while it is provably inside a checkpoint write (the child stops
    /// there, with the model's temporary file open, and says so), three times at three different writes, then resumes:
    /// every time the folder holds a valid checkpoint that is not the interrupted one, and the next run continues from it.
    /// </summary>
    [Fact]
    public void A_process_killed_inside_a_checkpoint_write_leaves_a_valid_checkpoint_the_next_run_resumes_from()
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "TorchTrainer.Tests.CheckpointWriter.dll");
        Assert.True(File.Exists(helper), $"helper not built: {helper}");
        var folder = Toy.TempFolder("kill");
        long lastStep = 0;
        foreach (var blockAtWrite in new[] { 3, 4, 5 })
        {
            using (var child = ChildProcess.Start(ChildProcess.Dotnet(), folder, [helper, folder, blockAtWrite.ToString(CultureInfo.InvariantCulture)], NoVariables))
            {
                var temp = child.WaitForLine(l => l.StartsWith("writing ", StringComparison.Ordinal), ChildLimit, "saying it is inside a checkpoint write")["writing ".Length..];
                var interrupted = Path.GetDirectoryName(temp)!;
                child.Kill();

                // Killed mid-write: the temporary file is still there and its checkpoint never got a manifest.
                Assert.True(File.Exists(temp), $"{temp} is gone: the kill did not land inside the write");
                Assert.False(File.Exists(Path.Combine(interrupted, "manifest.json")), $"{interrupted} was completed before the kill");

                var point = new CheckpointStore(folder).FindResumePoint();
                Assert.NotNull(point);
                Assert.NotEqual(interrupted, point.Value.Path);
                Assert.True(point.Value.State.GlobalStep > lastStep, $"round with write {blockAtWrite}: resume step {point.Value.State.GlobalStep}, previous {lastStep}");
                lastStep = point.Value.State.GlobalStep;
            }
        }

        // The next run resumes from the last valid checkpoint: one step per epoch, so its first epoch is that step + 1.
        using var resumed = ChildProcess.Start(ChildProcess.Dotnet(), folder, [helper, folder, "1000000"], NoVariables);
        var first = resumed.WaitForLine(l => l.StartsWith("saved ", StringComparison.Ordinal), ChildLimit, "announcing its first epoch");
        Assert.Equal($"saved {lastStep + 1}", first);
    }

    private static readonly Dictionary<string, string> NoVariables = [];
}
