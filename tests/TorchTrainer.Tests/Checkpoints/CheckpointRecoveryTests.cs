using System.Diagnostics;
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

    /// <summary>
    /// Kills a process that trains and checkpoints in a tight loop (its checkpoint files are large
    /// enough that most of its time is spent writing them) at arbitrary moments, then checks that the
    /// folder always holds a valid checkpoint that the next run resumes from.
    /// </summary>
    [Fact]
    public void Killing_a_process_while_it_writes_checkpoints_always_leaves_a_valid_checkpoint()
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "TorchTrainer.Tests.CheckpointWriter.dll");
        Assert.True(File.Exists(helper), $"helper not built: {helper}");
        var folder = Toy.TempFolder("kill");
        var random = new Random(11);
        long lastStep = -1;
        for (var round = 0; round < 4; round++)
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", [helper, folder])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;

            // Wait until the child has written at least one more checkpoint, then kill it somewhere in its loop.
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("saved", StringComparison.Ordinal))
            {
            }

            Assert.True(line is not null, "the helper exited before it saved a checkpoint (see its standard error above)");
            Thread.Sleep(random.Next(0, 120));
            process.Kill();
            process.WaitForExit();

            var point = new CheckpointStore(folder).FindResumePoint();
            Assert.NotNull(point);
            Assert.True(point.Value.State.GlobalStep >= lastStep, "a resumed run must never go back before a completed checkpoint");
            lastStep = point.Value.State.GlobalStep;
        }

        Assert.True(lastStep > 0);
    }
}
