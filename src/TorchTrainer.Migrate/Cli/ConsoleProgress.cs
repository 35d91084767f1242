namespace TorchTrainer.Migrate.Cli;

/// <summary>Progress lines on standard error (one at a time, from parallel units), filtered by verbosity.</summary>
internal sealed class ConsoleProgress(TextWriter error, Verbosity verbosity)
{
    private readonly Lock _lock = new();
    private int _done;
    private int _total;

    /// <summary>Units known so far (MSBuild projects are only known once their partition is loaded).</summary>
    public void AddUnits(int count) => Interlocked.Add(ref _total, count);

    /// <summary>One unit is done: "[done/total] name: verdict".</summary>
    public void Tick(string name, string verdict)
    {
        var done = Interlocked.Increment(ref _done);
        Write($"[{done}/{Volatile.Read(ref _total)}] {name}: {verdict}", Verbosity.Normal);
    }

    public void Write(string message, Verbosity level)
    {
        if (verbosity < level)
        {
            return;
        }

        lock (_lock)
        {
            error.WriteLine(message);
        }
    }
}
