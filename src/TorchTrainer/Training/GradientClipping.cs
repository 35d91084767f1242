using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchTrainer;

/// <summary>Gradient clipping that stays on the device (torch.nn.utils.clip_grad_norm_ returns the norm as a double, which syncs every step).</summary>
internal static class GradientClipping
{
    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>. Call inside a dispose scope.</summary>
    public static void ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        var grads = new List<Tensor>(parameters.Count);
        foreach (var p in parameters)
        {
            if (p.grad is { } g)
            {
                grads.Add(g);
            }
        }

        if (grads.Count == 0)
        {
            return;
        }

        var total = torch.stack(grads.Select(g => g.detach().pow(2).sum().to(torch.float32))).sum().sqrt();
        var scale = (maxNorm / (total + 1e-6)).clamp_max(1.0);
        foreach (var g in grads)
        {
            g.mul_(scale.to(g.dtype));
        }
    }
}
