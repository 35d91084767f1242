namespace TorchTrainer;

/// <summary>The four calls of <see cref="IMetricSink"/>.</summary>
internal enum SinkEventKind
{
    Start,
    Step,
    Epoch,
    End,
}

/// <summary>One call to make on a sink: which, and its argument.</summary>
internal sealed record SinkEvent(SinkEventKind Kind, object Payload)
{
    /// <summary>The <see cref="IMetricSink"/> method this event calls, as reports name it.</summary>
    public string Method => Kind switch
    {
        SinkEventKind.Start => nameof(IMetricSink.OnTrainingStart),
        SinkEventKind.Step => nameof(IMetricSink.OnStep),
        SinkEventKind.Epoch => nameof(IMetricSink.OnEpochEnd),
        _ => nameof(IMetricSink.OnTrainingEnd),
    };

    /// <summary>Makes the call on <paramref name="sink"/>.</summary>
    public void DeliverTo(IMetricSink sink)
    {
        switch (Kind)
        {
            case SinkEventKind.Start:
                sink.OnTrainingStart((TrainingStartInfo)Payload);
                break;
            case SinkEventKind.Step:
                sink.OnStep((StepProgress)Payload);
                break;
            case SinkEventKind.Epoch:
                sink.OnEpochEnd((EpochMetrics)Payload);
                break;
            default:
                sink.OnTrainingEnd((TrainingResults)Payload);
                break;
        }
    }
}
