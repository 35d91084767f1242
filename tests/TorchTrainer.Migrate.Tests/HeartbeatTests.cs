using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Tests;

/// <summary>A restore that takes minutes (an unreachable package source, a first download) says it is still running.</summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task A_long_restore_says_it_is_still_running_until_it_ends_and_a_short_one_says_nothing()
    {
        var restore = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        void Say(string line)
        {
            lines.Add(line);
            if (lines.Count == 2)
            {
                restore.SetResult(42); // the restore ends after the second line, whatever the machine's speed
            }
        }

        var run = Heartbeat.WhileAsync(restore.Task, "restoring Acme.Reports", Say, CancellationToken.None, TimeSpan.FromSeconds(1));

        // A hang guard, not a timing assertion: without its lines the restore would never end.
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2))));
        Assert.Equal(42, await run);
        Assert.Equal(
            ["still restoring Acme.Reports, 1 s so far (downloading packages, or retrying a package source that does not answer)",
             "still restoring Acme.Reports, 2 s so far (downloading packages, or retrying a package source that does not answer)"],
            lines);

        var quiet = new List<string>();
        Assert.Equal(7, await Heartbeat.WhileAsync(Task.FromResult(7), "restoring", quiet.Add, CancellationToken.None));
        Assert.Empty(quiet);
    }
}
