namespace TorchTrainer.Migrate.Output;

/// <summary>Everything one run found and did; the summary and the reports are written from it.</summary>
internal sealed class RunReport
{
    private readonly Lock _lock = new();

    public List<Finding> Findings { get; } = [];
    public List<string> ChangedFiles { get; } = [];
    public List<(string Path, string Diff)> Diffs { get; } = [];
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
    public List<string> Skipped { get; } = [];

    /// <summary>
    /// Inputs (projects, file-based apps, notebooks or parts of them) that could not be analysed completely, with the
    /// reason. Any entry makes the run exit 2: a gate may pass only what it analysed in full.
    /// </summary>
    public List<NotAnalysed> NotAnalysed { get; } = [];

    /// <summary>Inputs analysed completely (including those skipped because they cannot hold TorchTrainer code).</summary>
    public int InputsAnalysed { get; set; }
    public Dictionary<string, int> FixedPerRule { get; } = new(StringComparer.OrdinalIgnoreCase);
    public int FilesAnalysed { get; set; }

    public void Add(Action<RunReport> update)
    {
        lock (_lock)
        {
            update(this);
        }
    }
}
