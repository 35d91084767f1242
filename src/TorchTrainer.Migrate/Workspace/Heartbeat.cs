namespace TorchTrainer.Migrate.Workspace;

/// <summary>
/// A line every <see cref="Every"/> while a restore runs: a package source that does not answer keeps NuGet retrying for
/// minutes, and a first download of large packages takes as long, with nothing printed meanwhile.
/// </summary>
internal static class Heartbeat
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Awaits <paramref name="work"/>, telling <paramref name="say"/> "still WHAT, N s so far" every
    /// <paramref name="every"/> (<see cref="Every"/> unless a test asks for another interval).
    /// </summary>
    public static async Task<T> WhileAsync<T>(Task<T> work, string what, Action<string>? say, CancellationToken ct, TimeSpan? every = null)
    {
        var interval = every ?? Every;
        var beats = 0;
        while (say is not null && await Task.WhenAny(work, Task.Delay(interval, ct)).ConfigureAwait(false) != work)
        {
            beats++;
            say($"still {what}, {(interval * beats).TotalSeconds:0} s so far (downloading packages, or retrying a package source that does not answer)");
        }

        return await work.ConfigureAwait(false);
    }
}
