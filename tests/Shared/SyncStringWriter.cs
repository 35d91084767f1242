namespace TorchTrainer.TestSupport;

/// <summary>A StringWriter that many threads may write to (a report writer shared by background workers).</summary>
internal sealed class SyncStringWriter : StringWriter
{
    private readonly object _gate = new();

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return base.ToString();
        }
    }
}
