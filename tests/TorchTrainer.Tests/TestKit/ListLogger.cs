using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TorchTrainer.Tests;

/// <summary>What a <see cref="ListLogger"/> was told, one entry per call.</summary>
internal sealed record LogEntry(LogLevel Level, EventId Event, string Message, Exception? Exception);

/// <summary>An ILogger that keeps what it is told (from any thread), for tests that check what the runtime logs.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>The entries so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>The messages logged as warnings.</summary>
    public IEnumerable<string> Warnings => Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
}
