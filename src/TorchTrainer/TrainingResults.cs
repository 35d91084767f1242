namespace TorchTrainer;

/// <summary>The outcome of a training run.</summary>
public sealed class TrainingResults
{
}
