using TorchSharp;
using static TorchSharp.torch;

namespace TrainerOverhead;

/// <summary>
/// The loop a careful user writes by hand with TorchSharp: AdamW, a dispose scope per step, the loss
/// summed on the device and read once per log interval and once per epoch, a no-grad validation pass.
/// It follows the trainer's arithmetic (float32 sums, mean over batches, seeding after the optimizer
/// is made) so that both produce the same per-epoch losses bit for bit.
/// </summary>
internal static class ManualLoop
{
    public static (double[] Train, double[] Val) Train(
        nn.Module<Tensor, Tensor> model,
        List<(Tensor Input, Tensor Target)> train,
        List<(Tensor Input, Tensor Target)> val,
        Settings s)
    {
        var parameters = model.parameters().ToArray();
        using var optimizer = torch.optim.AdamW(parameters, s.LearningRate, weight_decay: s.WeightDecay);
        torch.manual_seed(s.Seed);
        var trainLoss = new double[s.Epochs];
        var valLoss = new double[s.Epochs];
        var lastIntervalMean = double.NaN; // what a hand-written loop would print every interval

        for (var epoch = 0; epoch < s.Epochs; epoch++)
        {
            model.train();
            using var epochSum = torch.zeros(1, dtype: torch.float32);
            using var intervalSum = torch.zeros(1, dtype: torch.float32);
            var steps = 0;
            var interval = 0;
            foreach (var (input, target) in train)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                var output = model.call(input);
                var loss = nn.functional.cross_entropy(output.reshape(-1, output.shape[^1]), target.reshape(-1));
                loss.backward();
                optimizer.step();

                var value = loss.detach().reshape(1);
                epochSum.add_(value);
                intervalSum.add_(value);
                steps++;
                if (++interval == s.LogIntervalSteps)
                {
                    lastIntervalMean = (double)intervalSum.item<float>() / interval;
                    intervalSum.zero_();
                    interval = 0;
                }
            }

            if (interval > 0)
            {
                lastIntervalMean = (double)intervalSum.item<float>() / interval;
            }

            trainLoss[epoch] = (double)epochSum.item<float>() / steps;
            valLoss[epoch] = Validate(model, val);
        }

        GC.KeepAlive(lastIntervalMean);
        return (trainLoss, valLoss);
    }

    private static double Validate(nn.Module<Tensor, Tensor> model, List<(Tensor Input, Tensor Target)> val)
    {
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var sum = torch.zeros(1, dtype: torch.float32);
            foreach (var (input, target) in val)
            {
                using var scope = torch.NewDisposeScope();
                var output = model.call(input);
                sum.add_(nn.functional.cross_entropy(output.reshape(-1, output.shape[^1]), target.reshape(-1)).detach().reshape(1));
            }

            return (double)sum.item<float>() / val.Count;
        }
        finally
        {
            model.train();
        }
    }
}
