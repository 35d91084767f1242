using Microsoft.CSharp.RuntimeBinder;
using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Legacy;

/// <summary>
/// v3 scripts and notebooks use late binding (<c>dynamic</c>, reflection, PowerShell); the analyzer leaves
/// <c>dynamic</c> uses alone, so these must simply work at run time. Each test is written the way such a
/// program is: no casts, only the names a v3 user typed.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class LateBindingTests : IDisposable
{
    private readonly ShimScope _scope = new();

    public void Dispose() => _scope.Dispose();

    [Fact]
    public void A_dynamic_v3_program_reads_every_legacy_member_like_a_list()
    {
        dynamic r = TrainingResults.FromMetrics(Notebook());

        Assert.Equal(4, (int)r.LossHistory.Count);
        Assert.Equal(3.40, (double)r.LossHistory[0]);
        Assert.Equal(2.10, (double)r.LossHistory[r.LossHistory.Count - 1]);
        Assert.Equal(4, (int)r.ValLossHistory.Count);
        Assert.Equal(2.81, (double)r.ValLossHistory[3]);
        Assert.Equal("[3.4, 2.8, 2.35, 2.1]", (string)r.LossHistory.ToString());
        Assert.True((bool)r.ValLossHistory.Contains(2.77));
        Assert.Equal(2, (int)r.ValLossHistory.IndexOf(2.77));

        double sum = 0;
        foreach (var loss in r.LossHistory)
        {
            sum += (double)loss;
        }

        Assert.Equal(10.65, sum, 12);
        Assert.Equal(2.10, Enumerable.Last((IEnumerable<double>)r.LossHistory));
        Assert.Equal(2, _scope.FallbackLines.Length); // one deprecation warning per legacy member, no binder error
    }

    [Fact]
    public void A_dynamic_v3_program_reads_every_key_of_the_keyed_view()
    {
        dynamic r = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromSeconds(12.5), "ckpt/best");

        Assert.Equal(4, (int)r["metrics_summary"].Count);
        Assert.Equal(2.35, (double)r["metrics_summary"]["train/loss"][2]);
        Assert.Equal(3, (int)r["metrics_summary"][2].Epoch);
        Assert.Equal(2.10, (double)r["final_loss"]);
        Assert.Equal(2.81, (double)r["final_val_loss"]);
        Assert.Equal(Math.Exp(2.81), (double)r["perplexity"], 12);
        Assert.Equal(3, (int)r["best_epoch"]);
        Assert.Equal(12.5, (double)r["training_time_s"]);
        Assert.Equal("ckpt/best", (string)r["best_checkpoint"]);
        Assert.Equal(4, (int)r["loss_history"].Count);
        Assert.Equal(2.10, (double)r["loss_history"][3]);
        Assert.Equal(3.55, (double)r["val_loss_history"][0]);
        Assert.Equal(9, (int)r.Keys.Count);
        Assert.Equal("metrics_summary", (string)r.Keys[0]);
    }

    [Fact]
    public void Without_validation_the_nullable_keys_are_null_for_a_dynamic_caller()
    {
        dynamic r = TrainingResults.FromMetrics(NoValidation());

        Assert.Null(r["final_val_loss"]);
        Assert.Null(r["perplexity"]);
        Assert.Null(r["best_checkpoint"]);
        Assert.Equal(0, (int)r["val_loss_history"].Count);
        Assert.Equal(0, (int)r.ValLossHistory.Count);
    }

    [Fact]
    public void In_strict_mode_a_dynamic_legacy_read_throws_LegacyApiException_not_a_binder_error()
    {
        ShimScope.StrictBySwitch(true);
        dynamic r = TrainingResults.FromMetrics(Notebook());

        Assert.Contains("MetricsSummary.TrainLoss", Assert.Throws<LegacyApiException>(() => (object)r.LossHistory.Count).Message);
        Assert.Contains("MetricsSummary.ValLoss", Assert.Throws<LegacyApiException>(() => (object)r.ValLossHistory[0]).Message);
        Assert.Contains("MetricsSummary.TrainLoss", Assert.Throws<LegacyApiException>(() => (object)r["loss_history"].Count).Message);
        Assert.Contains("MetricsSummary.ValLoss", Assert.Throws<LegacyApiException>(() => (object)r["val_loss_history"][0]).Message);

        // the modern members keep working through dynamic in strict mode
        Assert.Equal(2.10, (double)r.MetricsSummary.TrainLoss[3]);
        Assert.Equal(4, (int)r["metrics_summary"].ValLoss.Count);
    }

    [Fact]
    public void A_binder_error_still_names_the_real_type_for_a_member_it_does_not_have()
    {
        dynamic r = TrainingResults.FromMetrics(Notebook());

        var error = Assert.Throws<RuntimeBinderException>(() => (object)r.LossHistory.Length);
        Assert.Contains("MetricColumn", error.Message); // not "'object' does not contain a definition"
    }

    [Fact]
    public void Reflection_sees_the_column_members()
    {
        var results = TrainingResults.FromMetrics(Notebook());
        var column = typeof(TrainingResults).GetProperty("LossHistory")!.GetValue(results)!;

        Assert.True(column.GetType().IsPublic);
        Assert.Equal(4, column.GetType().GetProperty("Count")!.GetValue(column));
        Assert.Equal(2.80, column.GetType().GetProperty("Item")!.GetValue(column, [1]));
        Assert.Equal("[3.4, 2.8, 2.35, 2.1]", column.ToString());
    }

    [Fact]
    public void Every_value_the_keyed_view_returns_is_of_a_public_type()
    {
        var results = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromSeconds(1), "best.ckpt");

        foreach (var key in results.Keys)
        {
            var value = results[key];
            Assert.NotNull(value);
            Assert.True(value.GetType().IsPublic, $"results[\"{key}\"] is a {value.GetType()}, which late-bound callers cannot see");
        }

        foreach (var name in results.MetricsSummary.ColumnNames)
        {
            Assert.True(results.MetricsSummary[name].GetType().IsPublic, $"column '{name}'");
        }

        Assert.True(results.MetricsSummary.TrainLoss.GetType().IsPublic);
        Assert.True(MetricsSummary.Empty.ValLoss.GetType().IsPublic);
    }
}
