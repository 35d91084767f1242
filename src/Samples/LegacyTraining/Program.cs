// The seed's scenario: a small character-level language model trained with TorchTrainer, and a
// report written the v3 way (LossHistory / ValLossHistory). It keeps its legacy code on purpose:
// it is what the analyzer flags and what trainer-migrate rewrites.
//
//   dotnet run --project src/Samples/LegacyTraining -c Release [-- OUTPUT_FOLDER [EPOCHS [CHARACTERS]]]
using System.Text;
using LegacyTraining;
using TorchTrainer;

Console.OutputEncoding = Encoding.UTF8;
var output = args.Length > 0 ? args[0] : Path.Combine("runs", "legacy-training");
var epochs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6;
var characters = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 50_000;

const int Context = 8;
var corpus = CharCorpus.Generate(characters, seed: 7);
var (inputs, targets) = corpus.Windows(Context);
var split = (int)(inputs.shape[0] * 0.9);
var train = TrainingData.FromTensors(inputs[..split], targets[..split], batchSize: 256, shuffle: true, seed: 7);
var validation = TrainingData.FromTensors(inputs[split..], targets[split..], batchSize: 1024);

Console.WriteLine($"Corpus: {corpus.Text.Length:N0} characters, alphabet of {corpus.Alphabet.Length}; {split:N0} training windows.");
// The model's initial weights come from torch's generator: seed it before building the model, so runs repeat.
TorchSharp.torch.manual_seed(7);
var model = new CharLanguageModel(corpus.Alphabet.Length, Context);

// What people would rather look at than read, next to results.json: the loss curve (train and validation per epoch)
// and the per-epoch metrics table.
var lossCurve = new LossCurvePlotSink();
using var metricsCsv = new CsvMetricsSink();
var trainer = new Trainer(model, new TrainerOptions
{
    Epochs = epochs,
    LearningRate = 3e-3,
    Schedule = LearningRateSchedule.Cosine(warmupSteps: 50, minFactor: 0.1),
    Seed = 7,
    Threads = 2,
    LogIntervalSteps = 50,
    OutputDirectory = output,
    CheckpointDirectory = Path.Combine(output, "checkpoints"),
    Sinks = [new ConsoleProgressSink(), lossCurve, metricsCsv],
});

var results = trainer.Train(train, validation);

// ---- the v3 report: this is the block that crashed after 166 minutes when the field was renamed ----
Console.WriteLine($"✅ Training finished in {results.TrainingTime.TotalSeconds:F1}s ({results.TrainingTime.TotalMinutes:F1} min)");
Console.WriteLine("📊 Final Metrics:");
Console.WriteLine($"   Train Loss: {results.LossHistory[^1]:F4}");
Console.WriteLine($"   Val Loss: {results.ValLossHistory[^1]:F4}");
Console.WriteLine($"   Perplexity: {Math.Exp(results.ValLossHistory[^1]):F2}");
var bestEpoch = results.ValLossHistory.ToList().IndexOf(results.ValLossHistory.Min()) + 1;
Console.WriteLine($"   Best Epoch: {bestEpoch}");
Console.WriteLine($"Results: {Path.GetFullPath(Path.Combine(output, "results.json"))}");
Console.WriteLine($"Loss curve: {lossCurve.ImagePath ?? "not drawn (no finite loss)"}");
Console.WriteLine($"Metrics: {metricsCsv.FilePath}");
