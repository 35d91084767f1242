using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using TorchTrainer.Checkpoints;
using static TorchSharp.torch;

namespace TorchTrainer.Fitting;

/// <summary>
/// Writes and restores the checkpoints of one run: the model, the optimizer, torch's random state
/// and state.json (position, metrics rows, early stopping). Each checkpoint is one
/// <see cref="CheckpointStore.Write"/>, so it is complete or absent; it remembers the newest
/// <c>last</c> and <c>best</c> ones for the run's results and errors.
/// </summary>
internal sealed class Checkpointer(CheckpointStore store, string? last = null, string? best = null)
{
    private const string ModelFile = "model.bin";
    private const string OptimizerFile = "optimizer.bin";
    private const string RngFile = "rng.bin";

    /// <summary>The newest checkpoint written (or resumed from); null before the first.</summary>
    public string? Last { get; private set; } = last;

    /// <summary>The newest <c>best</c> checkpoint; null before the first.</summary>
    public string? Best { get; private set; } = best;

    /// <summary>Saves a completed epoch: a <c>best</c> checkpoint too when the monitored loss improved.</summary>
    public void SaveEpoch(CheckpointState state, bool improved, nn.Module<Tensor, Tensor> model, AdamW optimizer)
    {
        if (improved)
        {
            Best = Write(CheckpointStore.Best, state, model, optimizer);
        }

        Last = Write(CheckpointStore.Last, state, model, optimizer);
    }

    /// <summary>Saves a run stopped mid-epoch (cancelled), so Resume continues at the same step.</summary>
    public void SaveStopped(CheckpointState state, nn.Module<Tensor, Tensor> model, AdamW optimizer) =>
        Last = Write(CheckpointStore.Last, state, model, optimizer);

    /// <summary>Loads the model, the optimizer and the random state of <paramref name="checkpoint"/>.</summary>
    /// <exception cref="TrainingSetupException">The checkpoint does not fit the model or the optimizer.</exception>
    public static void Restore(string checkpoint, nn.Module<Tensor, Tensor> model, AdamW optimizer)
    {
        try
        {
            using (var reader = new BinaryReader(File.OpenRead(Path.Combine(checkpoint, ModelFile))))
            {
                model.load(reader, strict: true);
            }

            using (var reader = new BinaryReader(File.OpenRead(Path.Combine(checkpoint, OptimizerFile))))
            {
                optimizer.load_state_dict(reader);
            }
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new TrainingSetupException(
                $"The checkpoint '{checkpoint}' does not fit this model or optimizer: {TorchErrorText.FirstLine(e.Message)} Resume with the same model architecture the run was started with.", e);
        }

        using var rng = torch.tensor(File.ReadAllBytes(Path.Combine(checkpoint, RngFile)), dtype: torch.uint8);
        torch.random.set_rng_state(rng);
    }

    private string Write(string kind, CheckpointState state, nn.Module<Tensor, Tensor> model, AdamW optimizer) => store.Write(kind,
    [
        new(ModelFile, s =>
        {
            using var w = new BinaryWriter(s);
            model.save(w);
        }),
        new(OptimizerFile, s =>
        {
            using var w = new BinaryWriter(s);
            optimizer.save_state_dict(w);
        }),
        new(RngFile, s =>
        {
            using var rng = torch.random.get_rng_state();
            s.Write(rng.data<byte>().ToArray());
        }),
        new(CheckpointState.FileName, s => JsonSerializer.Serialize(s, state, CheckpointManifest.Json)),
    ]);
}
