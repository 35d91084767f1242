using TorchSharp;

namespace TorchTrainer.Fitting;

/// <summary>Adds the caller's <see cref="TrainerOptions.Metrics"/> to an epoch's row (eval mode, no grad, their tensors disposed).</summary>
internal static class CallerMetrics
{
    public static void AddTo(Dictionary<string, double> row, int epoch, double? valLoss, RunPlan plan)
    {
        if (plan.Options.Metrics.Count == 0)
        {
            return;
        }

        plan.Model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var context = new EpochMetricContext(epoch, plan.Model, row[StandardColumns.TrainLoss], valLoss, plan.Validation, plan.Device);
            foreach (var metric in plan.Options.Metrics)
            {
                foreach (var (name, value) in metric(context) ?? new Dictionary<string, double>())
                {
                    if (string.IsNullOrWhiteSpace(name) || StandardColumns.All.Contains(name) || row.ContainsKey(name))
                    {
                        throw new InvalidOperationException(
                            $"The metric name '{name}' returned by an EpochMetric is empty, a standard column or already used this epoch. Give each extra metric its own name (for example 'val/accuracy').");
                    }

                    row[name] = value;
                }
            }
        }
        finally
        {
            plan.Model.train();
        }
    }
}
