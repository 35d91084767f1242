#if WITH_TRAINER
using TorchTrainer;
using static TorchSharp.torch;

namespace TrainerOverhead;

/// <summary>The same training through TorchTrainer's public API.</summary>
internal static class TrainerLoop
{
    public static (double[] Train, double[] Val) Train(
        nn.Module<Tensor, Tensor> model,
        List<(Tensor Input, Tensor Target)> train,
        List<(Tensor Input, Tensor Target)> val,
        Settings s,
        string? outputDirectory)
    {
        var options = new TrainerOptions
        {
            Epochs = s.Epochs,
            LearningRate = s.LearningRate,
            WeightDecay = s.WeightDecay,
            Seed = s.Seed,
            LogIntervalSteps = s.LogIntervalSteps,
            OutputDirectory = outputDirectory,
            Sinks = s.WithSinks && outputDirectory is not null
                ? [new CsvMetricsSink(), new JsonLinesMetricsSink(), new ConsoleProgressSink(TextWriter.Null)]
                : [],
        };

        var results = new Trainer(model, options).Train(train, val);
        return (results.MetricsSummary.TrainLoss.ToArray(), results.MetricsSummary.ValLoss.ToArray());
    }
}
#endif
