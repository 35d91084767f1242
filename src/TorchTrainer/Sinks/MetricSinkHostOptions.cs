using Microsoft.Extensions.Logging;

namespace TorchTrainer;

/// <summary>How <see cref="MetricSinkHost"/> isolates training from its sinks.</summary>
internal sealed class MetricSinkHostOptions
{
    /// <summary>Step reports that may wait per sink; past that the oldest waiting one is dropped. Start, epoch and end events are never dropped.</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>A single sink call running longer than this counts as a hang: the sink is reported and disabled.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="MetricSinkHost.OnTrainingEnd"/> waits, in all, for the sinks to finish before giving up on them.</summary>
    public TimeSpan EndTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Failures in a row after which a throwing sink is disabled.</summary>
    public int MaxConsecutiveFailures { get; init; } = 3;

    /// <summary>Where sink problems are reported; null writes them to <see cref="FallbackWriter"/>.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Where sink problems go without a logger; null is standard error.</summary>
    public TextWriter? FallbackWriter { get; init; }

    /// <summary>The clock that times sink calls (for the hang check). Tests pass a manual one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "A sink's queue must hold at least one event.");
        }

        if (MaxConsecutiveFailures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConsecutiveFailures), MaxConsecutiveFailures, "Allow at least one failure before a sink is disabled.");
        }

        if (CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "The call timeout must be positive.");
        }

        if (EndTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(EndTimeout), EndTimeout, "The end timeout cannot be negative.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
