using System.Collections.Concurrent;

namespace TorchTrainer.Tests.Sinks;

public class MetricSinkHostTests
{
    [Fact]
    public void Every_sink_gets_every_event_in_order_and_is_disposed_at_the_end()
    {
        var a = new RecordingSink();
        var b = new RecordingSink();
        var host = new MetricSinkHost([a, b], new MetricSinkHostOptions { QueueCapacity = 1000 });

        var sent = PlayLongRun(host, epochs: 5, stepsPerEpoch: 40);
        host.OnTrainingEnd(SinkTestKit.Results());

        Assert.Equal([.. sent, "end"], a.Events);
        Assert.Equal([.. sent, "end"], b.Events);
        Assert.True(a.Disposed && b.Disposed);
        Assert.All(host.Status, s => Assert.Equal(0, s.DroppedSteps));
    }

    [Fact]
    public void A_throwing_sink_is_reported_once_disabled_after_three_failures_in_a_row_and_the_others_get_everything()
    {
        var report = new SyncStringWriter();
        var thrower = new ThrowingSink(_ => true);
        var good = new RecordingSink();
        var host = new MetricSinkHost([thrower, good], new MetricSinkHostOptions { FallbackWriter = report, QueueCapacity = 1000 });

        var sent = PlayLongRun(host, epochs: 3, stepsPerEpoch: 4);
        host.OnTrainingEnd(SinkTestKit.Results());

        Assert.Equal(3, thrower.Calls);                       // start, step, step: then disabled
        Assert.Equal([.. sent, "end"], good.Events);
        var text = report.ToString();
        Assert.Equal(1, Count(text, "sink exploded"));
        Assert.Contains("Metric sink 'ThrowingSink' threw InvalidOperationException in OnTrainingStart: \"sink exploded\"", text);
        Assert.Contains("'ThrowingSink' failed 3 times in a row; it is disabled", text);
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(host.Status[0].Disabled);
        Assert.False(host.Status[1].Disabled);
        Assert.True(thrower.Disposed);
    }

    [Fact]
    public void A_sink_that_fails_now_and_then_is_reported_once_and_kept()
    {
        var report = new SyncStringWriter();
        var flaky = new ThrowingSink(call => call % 2 == 0);  // fails every other call
        var host = new MetricSinkHost([flaky], new MetricSinkHostOptions { FallbackWriter = report, QueueCapacity = 1000 });

        var sent = PlayLongRun(host, epochs: 2, stepsPerEpoch: 10);
        host.OnTrainingEnd(SinkTestKit.Results());

        Assert.Equal(sent.Count + 1, flaky.Calls);
        Assert.Single(report.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(host.Status[0].Disabled);
    }

    [Fact]
    public void Problems_go_to_the_logger_when_there_is_one()
    {
        var logger = new ListLogger();
        var fallback = new SyncStringWriter();
        var host = new MetricSinkHost([new ThrowingSink(_ => true)], new MetricSinkHostOptions { Logger = logger, FallbackWriter = fallback, MaxConsecutiveFailures = 1 });

        host.OnTrainingStart(SinkTestKit.Start());
        host.OnTrainingEnd(SinkTestKit.Results());

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);
        Assert.Contains("ThrowingSink", entry.Message);
        Assert.Contains("disabled for the rest of this run", entry.Message);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Equal("", fallback.ToString());
    }

    [Fact]
    public async Task A_hanging_sink_never_blocks_the_trainer_and_is_reported_and_disabled()
    {
        var time = new ManualTimeProvider();
        var report = new SyncStringWriter();
        using var hanging = new HangingSink(hangIn: nameof(IMetricSink.OnStep));
        var good = new RecordingSink();
        var host = new MetricSinkHost(
            [hanging, good],
            new MetricSinkHostOptions { FallbackWriter = report, TimeProvider = time, CallTimeout = TimeSpan.FromSeconds(30), EndTimeout = TimeSpan.FromSeconds(10) });

        var trainer = Task.Run(() =>
        {
            host.OnTrainingStart(SinkTestKit.Start());
            host.OnStep(SinkTestKit.Step(1, 1));
            Assert.True(hanging.Entered.Wait(SinkTestKit.NoHang));
            time.Advance(TimeSpan.FromSeconds(31));       // the call has now run past the timeout
            var sent = new List<string> { "start", "step 1" };
            for (var s = 2; s <= 4; s++)
            {
                host.OnStep(SinkTestKit.Step(1, s));          // the first of these notices the hang
                sent.Add($"step {s}");
            }

            host.OnEpochEnd(SinkTestKit.Table()[0]);
            host.OnTrainingEnd(SinkTestKit.Results());
            return sent;
        });

        var sent = await trainer.WaitAsync(SinkTestKit.NoHang); // TimeoutException: the trainer's calls blocked on a hanging sink
        Assert.Equal([.. sent, "epoch 1", "end"], good.Events);
        Assert.Contains("Metric sink 'HangingSink' did not return from OnStep within 30 s; it is disabled", report.ToString());
        Assert.Single(report.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(host.Status[0].Hung);

        hanging.Release();                                    // when it does return, it gets nothing more and is disposed
        Assert.True(hanging.DisposedSignal.Wait(SinkTestKit.NoHang));
        Assert.Equal(["start", "step 1"], hanging.Events);
    }

    /// <summary>The end gives up on a sink that never returns: EndTimeout is the setting under test, not a race.</summary>
    [Fact]
    public async Task The_end_gives_up_on_a_sink_that_hangs_at_the_end_after_EndTimeout()
    {
        var report = new SyncStringWriter();
        using var hanging = new HangingSink(hangIn: nameof(IMetricSink.OnTrainingEnd));
        var host = new MetricSinkHost([hanging], new MetricSinkHostOptions { FallbackWriter = report, EndTimeout = TimeSpan.FromSeconds(1) });

        await Task.Run(() =>
        {
            host.OnTrainingStart(SinkTestKit.Start());
            host.OnTrainingEnd(SinkTestKit.Results());
        }).WaitAsync(SinkTestKit.NoHang); // TimeoutException: OnTrainingEnd did not give up on a hanging sink

        Assert.True(hanging.Entered.IsSet);
        Assert.Equal("Metric sink 'HangingSink' did not finish within 1 s after training ended (still in OnTrainingEnd); the trainer no longer waits for it.", report.ToString().Trim());
        Assert.True(host.Status[0].Disabled);
        hanging.Release();
        Assert.True(hanging.DisposedSignal.Wait(SinkTestKit.NoHang));
    }

    /// <summary>
    /// The end waits for all sinks in one wait: a well-behaved sink is finished and disposed while another still hangs
    /// at the end, and the end returns once that one returns (no timeout involved: EndTimeout is far beyond the test).
    /// </summary>
    [Fact]
    public async Task The_end_finishes_the_other_sinks_while_one_hangs_and_returns_when_it_does()
    {
        var report = new SyncStringWriter();
        using var hanging = new HangingSink(hangIn: nameof(IMetricSink.OnTrainingEnd));
        var good = new RecordingSink();
        var host = new MetricSinkHost([hanging, good], new MetricSinkHostOptions { FallbackWriter = report, EndTimeout = TimeSpan.FromHours(1) });

        var end = Task.Run(() =>
        {
            host.OnTrainingStart(SinkTestKit.Start());
            host.OnTrainingEnd(SinkTestKit.Results());
        });
        Assert.True(hanging.Entered.Wait(SinkTestKit.NoHang), "the hanging sink never got the end event");
        Assert.True(good.DisposedSignal.Wait(SinkTestKit.NoHang), "the well-behaved sink was not finished and disposed while the other hung");
        Assert.Equal(["start", "end"], good.Events);
        Assert.False(end.IsCompleted, "OnTrainingEnd returned while a sink was still in OnTrainingEnd");

        hanging.Release();
        await end.WaitAsync(SinkTestKit.NoHang); // TimeoutException: the end did not return after the last sink did
        Assert.Equal("", report.ToString());
        Assert.False(host.Status[0].Disabled);
        Assert.True(hanging.DisposedSignal.Wait(SinkTestKit.NoHang));
    }

    [Fact]
    public async Task A_slow_sink_loses_the_oldest_step_reports_but_never_an_epoch_and_keeps_the_order()
    {
        using var slow = new HangingSink(hangIn: nameof(IMetricSink.OnStep), once: true);
        var host = new MetricSinkHost([slow], new MetricSinkHostOptions { QueueCapacity = 4 });

        var table = MetricsSummary.FromRows(Enumerable.Range(1, 5).Select(e => new Dictionary<string, double> { ["train/loss"] = 1.0 / e }));
        host.OnTrainingStart(SinkTestKit.Start());
        var sent = new List<string> { "start" };
        var trainer = Task.Run(() =>
        {
            for (var e = 1; e <= 5; e++)
            {
                for (var s = 1; s <= 20; s++)
                {
                    host.OnStep(new StepProgress(e, s, 20, (e - 1) * 20 + s, 1.0 / s, 0.1));
                    sent.Add($"step {(e - 1) * 20 + s}");
                }

                host.OnEpochEnd(table[e - 1]);
                sent.Add($"epoch {e}");
            }
        });
        await trainer.WaitAsync(SinkTestKit.NoHang); // TimeoutException: the trainer blocked on a slow sink
        slow.Release();
        await Task.Run(() => host.OnTrainingEnd(SinkTestKit.Results())).WaitAsync(SinkTestKit.NoHang);

        var got = slow.Events;
        Assert.Equal(["epoch 1", "epoch 2", "epoch 3", "epoch 4", "epoch 5"], got.Where(e => e.StartsWith("epoch")));
        Assert.Equal("start", got[0]);
        Assert.Equal("end", got[^1]);
        Assert.Contains("step 100", got);                     // the newest report survives; the oldest are dropped
        var steps = got.Count(e => e.StartsWith("step"));
        Assert.True(steps < 100, $"{steps} step reports arrived; some should have been dropped");
        Assert.Equal(100 - steps, host.Status[0].DroppedSteps);
        Assert.Equal(got, sent.Append("end").Where(got.Contains)); // what arrived is a subsequence of what was sent
        Assert.True(slow.DisposedSignal.IsSet);
    }

    [Fact]
    public void Events_after_the_end_are_ignored_and_dispose_without_an_end_still_disposes_the_sinks()
    {
        var a = new RecordingSink();
        var host = new MetricSinkHost([a]);
        host.OnTrainingStart(SinkTestKit.Start());
        host.Dispose();
        host.OnStep(SinkTestKit.Step(1, 1));
        host.OnTrainingEnd(SinkTestKit.Results());

        Assert.Equal(["start"], a.Events);
        Assert.True(a.Disposed);
    }

    [Fact]
    public void A_sink_listed_twice_is_called_once_per_event()
    {
        var a = new RecordingSink();
        var host = new MetricSinkHost([a, a, null], new MetricSinkHostOptions { QueueCapacity = 1000 });

        SinkTestKit.Play(new HostAsSink(host));

        Assert.Single(host.Status);
        Assert.Equal(
            [
                "start",
                "step 1", "step 2", "step 3", "step 4", "epoch 1",
                "step 5", "step 6", "step 7", "step 8", "epoch 2",
                "step 9", "step 10", "step 11", "step 12", "epoch 3",
                "end",
            ],
            a.Events);
    }

    [Fact]
    public void A_host_without_sinks_does_nothing()
    {
        var host = new MetricSinkHost(null);
        Assert.False(host.HasSinks);
        SinkTestKit.Play(new HostAsSink(host));
    }

    [Fact]
    public void The_real_sinks_run_behind_the_host()
    {
        using var dir = new TempDir();
        var report = new SyncStringWriter();
        var console = new SyncStringWriter();
        var host = new MetricSinkHost(
            [new ConsoleProgressSink(console), new CsvMetricsSink(), new JsonLinesMetricsSink(), new LossCurvePlotSink()],
            new MetricSinkHostOptions { FallbackWriter = report });

        SinkTestKit.Play(new HostAsSink(host), dir.Path);

        Assert.Equal("", report.ToString());
        Assert.Equal(["loss_curve.png", "metrics.csv", "metrics.jsonl"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Contains("finished: 3 epochs", console.ToString());
    }

    private static List<string> PlayLongRun(MetricSinkHost host, int epochs, int stepsPerEpoch)
    {
        var sent = new List<string>();
        host.OnTrainingStart(new TrainingStartInfo(epochs, stepsPerEpoch, 1, null));
        sent.Add("start");
        var table = MetricsSummary.FromRows(Enumerable.Range(1, epochs).Select(e => new Dictionary<string, double> { ["train/loss"] = 1.0 / e }));
        for (var e = 1; e <= epochs; e++)
        {
            for (var s = 1; s <= stepsPerEpoch; s++)
            {
                var global = (e - 1) * stepsPerEpoch + s;
                host.OnStep(new StepProgress(e, s, stepsPerEpoch, global, 1.0, 0.1));
                sent.Add($"step {global}");
            }

            host.OnEpochEnd(table[e - 1]);
            sent.Add($"epoch {e}");
        }

        return sent;
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    /// <summary>Lets a test play a scripted run into a host as if it were one sink.</summary>
    private sealed class HostAsSink(MetricSinkHost host) : IMetricSink
    {
        public void OnTrainingStart(TrainingStartInfo info) => host.OnTrainingStart(info);
        public void OnStep(StepProgress step) => host.OnStep(step);
        public void OnEpochEnd(EpochMetrics metrics) => host.OnEpochEnd(metrics);
        public void OnTrainingEnd(TrainingResults results) => host.OnTrainingEnd(results);
    }
}
