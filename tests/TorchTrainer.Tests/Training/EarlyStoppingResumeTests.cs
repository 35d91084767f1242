using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace TorchTrainer.Tests.Training;

/// <summary>
/// Early stopping across a resume: a run stopped one epoch before its patience runs out and resumed
/// must stop exactly where the uninterrupted run stopped, whether the checkpoint carries the early
/// stopping state (current checkpoints) or not (checkpoints of earlier versions: the rows are replayed).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class EarlyStoppingResumeTests
{
    private const int Patience = 2;

    [Fact]
    public void A_checkpoint_carries_the_early_stopping_state_and_resuming_stops_where_the_uninterrupted_run_stopped()
    {
        var full = Run(epochs: 30, folder: null);
        Assert.True(full.MetricsSummary.Count < 30, "the uninterrupted run should stop early");

        var folder = Toy.TempFolder("early-stop-saved");
        var partial = Run(epochs: full.MetricsSummary.Count - 1, folder);

        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(NewestLast(folder), "state.json")))!;
        var saved = state["early_stopping"]!;
        Assert.Equal("val/loss", (string?)saved["monitor"]);
        Assert.Equal(Patience - 1, (int)saved["epochs_without_improvement"]!); // one epoch short of stopping
        Assert.Equal(partial.MetricsSummary.ValLoss.Min(), (double)saved["best"]!);

        var resumed = Resume(folder);

        AssertSame(full, resumed);
    }

    [Fact]
    public void A_checkpoint_written_before_the_state_was_saved_still_resumes_by_replaying_its_rows()
    {
        var full = Run(epochs: 30, folder: null);
        var folder = Toy.TempFolder("early-stop-replayed");
        Run(epochs: full.MetricsSummary.Count - 1, folder);

        // Make the newest checkpoint look like one from before early_stopping was saved, and keep only
        // it, so the resume cannot fall back to another one.
        var checkpoint = NewestLast(folder);
        foreach (var other in Directory.GetDirectories(folder).Where(d => d != checkpoint))
        {
            Directory.Delete(other, recursive: true);
        }

        var statePath = Path.Combine(checkpoint, "state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        Assert.True(state.Remove("early_stopping"));
        File.WriteAllText(statePath, state.ToJsonString());
        Resign(checkpoint, "state.json");

        var resumed = Resume(folder);

        // Without the replay the resumed run would count from zero and train past the epoch where the
        // uninterrupted run stopped.
        AssertSame(full, resumed);
    }

    private static TrainingResults Run(int epochs, string? folder)
    {
        var (train, val) = Data();
        var options = Toy.Options(epochs) with { EarlyStoppingPatience = Patience, CheckpointDirectory = folder };
        return new Trainer(Toy.Model(), options).Train(train, val);
    }

    private static TrainingResults Resume(string folder)
    {
        var (train, val) = Data();
        var options = Toy.Options(epochs: 30) with { EarlyStoppingPatience = Patience, CheckpointDirectory = folder };
        return new Trainer(Toy.Model(seed: 99), options).Resume(train, val);
    }

    /// <summary>Validation labels are the training labels shifted, so learning the task makes val/loss worse.</summary>
    private static (TensorBatches Train, TensorBatches Val) Data()
    {
        var (x, y) = Toy.Data(96, 1);
        return (TrainingData.FromTensors(x, y, 16), TrainingData.FromTensors(x, (y + 1).remainder(Toy.Classes), 16));
    }

    private static string NewestLast(string folder) =>
        Directory.GetDirectories(folder, "last-*").OrderDescending(StringComparer.Ordinal).First();

    /// <summary>Updates the manifest's length and SHA-256 of <paramref name="file"/> after an edit.</summary>
    private static void Resign(string checkpoint, string file)
    {
        var manifestPath = Path.Combine(checkpoint, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var entry = manifest["files"]!.AsArray().Single(f => (string?)f!["name"] == file)!;
        var bytes = File.ReadAllBytes(Path.Combine(checkpoint, file));
        entry["length"] = bytes.Length;
        entry["sha256"] = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }

    private static void AssertSame(TrainingResults expected, TrainingResults actual)
    {
        Assert.Equal(expected.MetricsSummary.Count, actual.MetricsSummary.Count);
        Assert.Equal(expected.BestEpoch, actual.BestEpoch);
        Assert.Equal(Toy.Bits(expected.MetricsSummary.TrainLoss), Toy.Bits(actual.MetricsSummary.TrainLoss));
        Assert.Equal(Toy.Bits(expected.MetricsSummary.ValLoss), Toy.Bits(actual.MetricsSummary.ValLoss));
    }
}
