namespace TorchTrainer.Tests.Results;

/// <summary>Metrics tables the tests share.</summary>
internal static class Tables
{
    public static Dictionary<string, double> Row(params (string Column, double Value)[] values) =>
        values.ToDictionary(v => v.Column, v => v.Value);

    /// <summary>The contract's example: two epochs, validated each epoch.</summary>
    public static MetricsSummary ContractExample() => MetricsSummary.FromRows(
    [
        Row(("epoch", 1), ("train/loss", 2.91), ("val/loss", 3.02)),
        Row(("epoch", 2), ("train/loss", 2.50), ("val/loss", 2.61)),
    ]);

    /// <summary>The crashed notebook's run, cut down: four epochs, validated each epoch, best at epoch 3.</summary>
    public static MetricsSummary Notebook() => MetricsSummary.FromRows(
    [
        Row(("train/loss", 3.40), ("val/loss", 3.55), ("lr", 1e-3)),
        Row(("train/loss", 2.80), ("val/loss", 3.01), ("lr", 1e-3)),
        Row(("train/loss", 2.35), ("val/loss", 2.77), ("lr", 5e-4)),
        Row(("train/loss", 2.10), ("val/loss", 2.81), ("lr", 2.5e-4)),
    ]);

    /// <summary>Three epochs and no validation data.</summary>
    public static MetricsSummary NoValidation() => MetricsSummary.FromRows(
    [
        Row(("train/loss", 1.5)),
        Row(("train/loss", 1.25)),
        Row(("train/loss", 1.0)),
    ]);
}
