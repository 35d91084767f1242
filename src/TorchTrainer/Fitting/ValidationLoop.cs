using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer.Fitting;

/// <summary>What validating an epoch returns: the mean loss, or that the run was cancelled during it.</summary>
internal readonly record struct ValidationResult(double Loss, bool Canceled);

/// <summary>Computes the mean loss over the validation batches (eval mode, no grad, the loss kept on the device until the end).</summary>
internal sealed class ValidationLoop(RunPlan plan, CancellationToken ct)
{
    private readonly IEnumerable<(Tensor Input, Tensor Target)> _data = plan.Validation ?? throw new ArgumentException("The plan has no validation data.", nameof(plan));

    public ValidationResult Run(int epoch)
    {
        var model = plan.Model;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var sum = torch.zeros(1, dtype: torch.float32, device: plan.Device);
            var batches = 0;
            using var e = _data.GetEnumerator();
            while (true)
            {
                if (ct.IsCancellationRequested)
                {
                    return new(double.NaN, Canceled: true);
                }

                using var scope = torch.NewDisposeScope();
                if (!e.MoveNext())
                {
                    break;
                }

                var (input, target) = e.Current;
                sum.add_(plan.Options.Loss(model.call(OnDevice(input)), OnDevice(target)).detach().reshape(1));
                batches++;
            }

            if (batches == 0)
            {
                throw new InvalidOperationException(
                    $"The validation data yielded no batch in epoch {epoch}. It must be iterable once per validation: pass a list, a TrainingData adapter, or an IEnumerable whose GetEnumerator starts over.");
            }

            return new((double)sum.item<float>() / batches, Canceled: false);
        }
        finally
        {
            model.train();
        }
    }

    private Tensor OnDevice(Tensor t) => t.device == plan.Device ? t : t.to(plan.Device);
}
