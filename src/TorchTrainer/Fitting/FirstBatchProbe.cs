using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer.Fitting;

/// <summary>
/// Reads the first batch of a data set and runs one forward pass and loss on it (eval mode, no
/// grad), so that a wrong shape, dtype or loss fails before training starts, with a message that
/// names both sides and the fix.
/// </summary>
internal sealed class FirstBatchProbe(nn.Module<Tensor, Tensor> model, LossFunction loss, Device device)
{
    /// <summary>Checks <paramref name="data"/>; returns its batch count when the data knows it.</summary>
    /// <exception cref="TrainingSetupException">The data, the model or the loss cannot work together.</exception>
    public int? Check(IEnumerable<(Tensor Input, Tensor Target)> data, string name)
    {
        using var scope = torch.NewDisposeScope();
        var (input, target) = ReadFirstBatch(data, name, out var batches);

        // The enumerator stays open until the probe is done: data loaders dispose a batch when they move on or close.
        using var open = batches;
        if (input is null || target is null)
        {
            throw new TrainingSetupException($"The first batch of the {name} has a null {(input is null ? "input" : "target")} tensor. Every batch needs an input and a target.");
        }

        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var output = Forward(input, name);
            CheckLoss(output, target, name);
        }
        finally
        {
            model.train(wasTraining);
        }

        return data switch
        {
            IReadOnlyCollection<(Tensor, Tensor)> c => c.Count,
            ICollection<(Tensor, Tensor)> c => c.Count,
            _ => null,
        };
    }

    private static (Tensor Input, Tensor Target) ReadFirstBatch(IEnumerable<(Tensor Input, Tensor Target)> data, string name, out IEnumerator<(Tensor Input, Tensor Target)> batches)
    {
        try
        {
            batches = data.GetEnumerator();
        }
        catch (Exception e)
        {
            throw new TrainingSetupException($"Reading the {name} failed: {e.Message}", e);
        }

        try
        {
            if (!batches.MoveNext())
            {
                throw new TrainingSetupException(name == "training data"
                    ? "The training data is empty: it yielded no batch. Pass at least one (input, target) batch; with TrainingData adapters, check that the dataset is not empty."
                    : "The validation data yielded no batch. Pass a validation set with at least one batch, or pass null to train without validation.");
            }

            return batches.Current;
        }
        catch (Exception e)
        {
            batches.Dispose();
            if (e is TrainingSetupException)
            {
                throw;
            }

            throw new TrainingSetupException($"Reading the first batch of the {name} failed: {e.Message}", e);
        }
    }

    private Tensor Forward(Tensor input, string name)
    {
        try
        {
            return model.call(input.device == device ? input : input.to(device));
        }
        catch (Exception e)
        {
            throw new TrainingSetupException(
                $"The model cannot process the first batch of the {name}: its input has shape {Shape(input)} ({input.dtype}). TorchSharp says: {TorchErrorText.FirstLine(e.Message)} " +
                "Make the batches' input shape and dtype match what the model's first layer expects.", e);
        }
    }

    private void CheckLoss(Tensor output, Tensor target, string name)
    {
        Tensor value;
        try
        {
            value = loss(output, target.device == device ? target : target.to(device));
        }
        catch (Exception e)
        {
            throw new TrainingSetupException(
                $"The loss cannot compare the model's output {Shape(output)} ({output.dtype}) with the target {Shape(target)} ({target.dtype}) of the first batch of the {name}. " +
                $"It says: {TorchErrorText.FirstLine(e.Message)} " +
                "The default cross-entropy needs logits [..., C] and int64 class indices with the same leading shape; for other targets set TrainerOptions.Loss.", e);
        }

        if (value is null || value.numel() != 1)
        {
            throw new TrainingSetupException(
                $"The loss returned {(value is null ? "null" : "a tensor of shape " + Shape(value))} for the first batch of the {name}; it must return a scalar. Reduce it, for example with .mean().");
        }
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
