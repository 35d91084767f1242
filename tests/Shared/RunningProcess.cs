using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace TorchTrainer.TestSupport;

/// <summary>
/// A child process a test talks to while it runs (from <see cref="ChildProcess.Start"/>): waits for the lines it prints,
/// with a hang guard that fails the test with everything it printed, and kills it. Disposing kills it if it still runs.
/// </summary>
internal sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly BlockingCollection<string> _lines = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public RunningProcess(ProcessStartInfo start, string command)
    {
        _command = command;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.CompleteAdding();
                return;
            }

            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }

            _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// The next line of standard output that <paramref name="match"/> accepts (earlier lines are skipped). Fails the test,
    /// killing the process, when it ends first or prints no such line within <paramref name="limit"/> (a hang guard).
    /// </summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Fail($"printed no line {what} within {limit} (a hang guard)");
            }

            try
            {
                if (_lines.TryTake(out var line, left) && line is not null)
                {
                    if (match(line))
                    {
                        return line;
                    }

                    continue;
                }
            }
            catch (InvalidOperationException)
            {
                // Completed: the process closed its output.
            }

            if (_lines.IsCompleted)
            {
                _process.WaitForExit();
                Fail($"ended (exit code {_process.ExitCode}) before it printed a line {what}");
            }
        }
    }

    /// <summary>Kills the process (and its children) and waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _lines.Dispose();
    }

    private void Fail(string what)
    {
        Kill();
        string stdout, stderr;
        lock (_stdout)
        {
            stdout = _stdout.ToString();
        }

        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }

        Assert.Fail($"{_command} {what}.{Environment.NewLine}--- stdout ---{Environment.NewLine}{stdout}--- stderr ---{Environment.NewLine}{stderr}");
    }
}
