using Spectre.Console;

namespace TorchTrainer.Tests.Sinks;

public class ConsoleProgressSinkTests
{
    [Fact]
    public void Plain_output_is_one_line_per_report_with_epoch_step_loss_lr_and_eta()
    {
        var time = new ManualTimeProvider();
        var writer = new StringWriter { NewLine = "\n" };
        var sink = new ConsoleProgressSink(writer, time);
        var table = SinkTestKit.Table();

        sink.OnTrainingStart(SinkTestKit.Start());
        time.Advance(TimeSpan.FromSeconds(10));
        sink.OnStep(SinkTestKit.Step(1, 2));       // 2 of 12 steps in 10 s: 50 s to go
        time.Advance(TimeSpan.FromSeconds(10));
        sink.OnStep(SinkTestKit.Step(1, 4));       // 4 of 12 in 20 s: 40 s to go
        sink.OnEpochEnd(table[0]);
        sink.OnEpochEnd(table[1]);
        sink.OnTrainingEnd(SinkTestKit.Results());

        Assert.Equal(
            "training: 3 epochs, 4 steps per epoch\n" +
            "epoch 1/3 step 2/4 loss 2.375 lr 0.01 eta 0:00:50\n" +
            "epoch 1/3 step 4/4 loss 2.25 lr 0.01 eta 0:00:40\n" +
            "epoch 1/3 done: train/loss 2.5 val/loss 2.75 lr 0.01 (1.5 s)\n" +
            "epoch 2/3 done: train/loss 2 lr 0.005 (1.25 s)\n" +
            "finished: 3 epochs in 0:00:03, final loss 1.5, final val loss 1.875, best epoch 3\n",
            writer.ToString());
    }

    [Fact]
    public void Without_steps_per_epoch_the_eta_comes_from_finished_epochs()
    {
        var time = new ManualTimeProvider();
        var writer = new StringWriter { NewLine = "\n" };
        var sink = new ConsoleProgressSink(writer, time);

        sink.OnTrainingStart(new TrainingStartInfo(4, null, 1, null));
        sink.OnStep(new StepProgress(1, 5, null, 5, 1.0, 0.1));
        time.Advance(TimeSpan.FromSeconds(30));
        sink.OnEpochEnd(SinkTestKit.Table()[0]);
        sink.OnStep(new StepProgress(2, 5, null, 15, 0.5, 0.1));

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("training: 4 epochs", lines[0]);
        Assert.Equal("epoch 1/4 step 5 loss 1 lr 0.1", lines[1]);
        Assert.Equal("epoch 2/4 step 5 loss 0.5 lr 0.1 eta 0:01:30", lines[3]);
    }

    [Fact]
    public void A_resumed_run_names_its_epoch_range()
    {
        var writer = new StringWriter { NewLine = "\n" };
        new ConsoleProgressSink(writer).OnTrainingStart(new TrainingStartInfo(10, 100, 4, null));
        Assert.Equal("training: epochs 4-10, 100 steps per epoch\n", writer.ToString());
    }

    [Fact]
    public void A_console_that_is_not_interactive_gets_plain_lines()
    {
        var writer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        using var sink = new ConsoleProgressSink(console);

        SinkTestKit.Play(sink);

        Assert.False(sink.IsLive);
        var text = writer.ToString();
        Assert.DoesNotContain("\u001b[", text);
        Assert.Contains("epoch 3/3 step 4/4 loss 1.25 lr 0.0025", text);
        Assert.Contains("epoch 3/3 done: train/loss 1.5 val/loss 1.875 lr 0.0025 (1 s)", text);
        Assert.EndsWith("best epoch 3\n", text.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task An_interactive_ansi_console_gets_a_live_progress_display()
    {
        var writer = new SyncStringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        using var sink = new ConsoleProgressSink(console);

        await Task.Run(() => SinkTestKit.Play(sink)).WaitAsync(SinkTestKit.NoHang); // throws TimeoutException if the display hangs

        Assert.True(sink.IsLive);
        var text = writer.ToString();
        Assert.Contains("\u001b[", text);                                   // drawn with ANSI sequences
        Assert.Contains("epoch 3/3 step 4/4 loss 1.25 lr 0.0025", text);     // the task's description
        Assert.Contains("100%", text);
        Assert.Contains("epoch 2/3 done: train/loss 2 lr 0.005", text);
        Assert.Contains("finished: 3 epochs", text);
    }

    [Fact]
    public void Durations_print_as_hours_minutes_seconds()
    {
        Assert.Equal("0:00:05", ConsoleProgressSink.FormatDuration(TimeSpan.FromSeconds(5)));
        Assert.Equal("2:03:04", ConsoleProgressSink.FormatDuration(new TimeSpan(2, 3, 4)));
        Assert.Equal("1.02:03:04", ConsoleProgressSink.FormatDuration(new TimeSpan(1, 2, 3, 4)));
    }
}
