using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Legacy;

[Collection(ProcessWideState.Name)]
public sealed class LegacyShimTests : IDisposable
{
    /// <summary>The migration command the strict-mode message must name (what a user copies from it).</summary>
    private const string MigrationCommand = "dotnet tool install -g TorchTrainer.Migrate && trainer-migrate <your solution, project, folder or notebook>";

    private readonly ShimScope _scope = new();

    public void Dispose() => _scope.Dispose();

    [Fact]
    public void Legacy_members_equal_the_modern_columns()
    {
        var results = TrainingResults.FromMetrics(Notebook());

        Assert.Equal(results.MetricsSummary.TrainLoss, results.LossHistory);
        Assert.Equal(results.MetricsSummary.ValLoss, results.ValLossHistory);
        Assert.Equal([3.40, 2.80, 2.35, 2.10], results.LossHistory);
        Assert.Equal([3.55, 3.01, 2.77, 2.81], results.ValLossHistory);
    }

    [Fact]
    public void Legacy_members_and_keys_are_views_over_the_table_not_copies()
    {
        var results = TrainingResults.FromMetrics(Notebook());

        Assert.Same(results.MetricsSummary.TrainLoss, results.LossHistory);
        Assert.Same(results.MetricsSummary.ValLoss, results.ValLossHistory);
        Assert.Same(results.LossHistory, results["loss_history"]);
        Assert.Same(results.ValLossHistory, results["val_loss_history"]);
    }

    [Fact]
    public void Without_validation_data_ValLossHistory_is_empty_like_ValLoss()
    {
        var results = TrainingResults.FromMetrics(NoValidation());

        Assert.Empty(results.ValLossHistory);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<double>>(results["val_loss_history"]));
        Assert.Equal([1.5, 1.25, 1.0], results.LossHistory);
    }

    [Fact]
    public void Empty_metrics_give_empty_legacy_lists()
    {
        var results = TrainingResults.FromMetrics(MetricsSummary.FromRows([]));

        Assert.Empty(results.LossHistory);
        Assert.Empty(results.ValLossHistory);
    }

    // ---- the production crash: a v3 notebook trained 166 minutes, then printed LossHistory[^1] ----

    [Fact]
    public void Regression_the_crashed_notebook_line_LossHistory_index_from_end_works()
    {
        var results = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromMinutes(166));

        Assert.Equal(2.10, results.LossHistory[^1]);
        Assert.Equal(2.81, results.ValLossHistory[^1]);
        Assert.Equal(2.10, results.LossHistory[results.LossHistory.Count - 1]);
        Assert.Equal(2.10, results.LossHistory.Last());
    }

    [Fact]
    public void Regression_the_notebook_string_keys_still_work()
    {
        var results = TrainingResults.FromMetrics(Notebook());

        var loss = Assert.IsAssignableFrom<IReadOnlyList<double>>(results["loss_history"]);
        var val = Assert.IsAssignableFrom<IReadOnlyList<double>>(results["val_loss_history"]);

        Assert.Equal(2.10, loss[^1]);
        Assert.Equal(2.81, val[^1]);
    }

    [Fact]
    public void Regression_notebook_kernels_binding_dynamically_still_find_the_legacy_members()
    {
        dynamic results = TrainingResults.FromMetrics(Notebook());

        double last = results.LossHistory[results.LossHistory.Count - 1];
        double lastVal = results["val_loss_history"][3];

        Assert.Equal(2.10, last);
        Assert.Equal(2.81, lastVal);
    }

    [Fact]
    public void The_notebooks_final_metrics_block_prints_the_same_through_both_APIs()
    {
        var results = TrainingResults.FromMetrics(Notebook(), TimeSpan.FromMinutes(166));

        var legacy = PrintLegacy(results);
        var modern = PrintModern(results);

        Assert.Equal(
            """
            Train Loss: 2.1000
            Val Loss: 2.8100
            Perplexity: 16.61
            Best Epoch: 3

            """.ReplaceLineEndings("\n"),
            legacy);
        Assert.Equal(legacy, modern);
    }

    // ---- warning once per member ----

    [Fact]
    public void First_use_of_each_member_warns_once_to_stderr_naming_the_replacement()
    {
        var results = TrainingResults.FromMetrics(Notebook());

        _ = results.LossHistory;
        _ = results.LossHistory[^1];
        _ = results["loss_history"];
        _ = TrainingResults.FromMetrics(NoValidation()).LossHistory; // another instance: still the same member
        Assert.Single(_scope.FallbackLines);

        _ = results.ValLossHistory;
        _ = results["val_loss_history"];

        var lines = _scope.FallbackLines;
        Assert.Equal(2, lines.Length);
        Assert.Contains("TrainingResults.LossHistory is deprecated", lines[0]);
        Assert.Contains("MetricsSummary.TrainLoss", lines[0]);
        Assert.Contains("trainer-migrate", lines[0]);
        Assert.Contains("TrainingResults.ValLossHistory is deprecated", lines[1]);
        Assert.Contains("MetricsSummary.ValLoss", lines[1]);
    }

    [Fact]
    public void A_legacy_key_read_first_warns_for_its_member_and_the_member_does_not_warn_again()
    {
        var results = TrainingResults.FromMetrics(Notebook());

        _ = results["val_loss_history"];
        _ = results.ValLossHistory;

        var line = Assert.Single(_scope.FallbackLines);
        Assert.Contains("TrainingResults[\"val_loss_history\"]", line);
        Assert.Contains("MetricsSummary.ValLoss", line);
    }

    [Fact]
    public void Modern_API_does_not_warn()
    {
        var results = TrainingResults.FromMetrics(Notebook());

        _ = results.MetricsSummary.TrainLoss;
        _ = results.FinalLoss;
        _ = results.FinalValLoss;
        _ = results.BestEpoch;
        _ = results["final_loss"];
        _ = results["metrics_summary"];
        _ = results.ToJson();

        Assert.Empty(_scope.Fallback.ToString());
    }

    [Fact]
    public void With_a_logger_the_warning_goes_to_the_logger_not_stderr()
    {
        var logger = new ListLogger();
        var results = new TrainingResults(Notebook(), TimeSpan.Zero, null) { Logger = logger };

        _ = results.LossHistory;
        _ = results.LossHistory;
        _ = results["val_loss_history"];

        Assert.Empty(_scope.Fallback.ToString());
        Assert.Equal(2, logger.Entries.Count);
        Assert.All(logger.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.All(logger.Entries, e => Assert.Equal((4001, "TorchTrainerLegacyApiUse"), (e.Event.Id, e.Event.Name)));
        Assert.Contains("MetricsSummary.TrainLoss", logger.Entries[0].Message);
        Assert.Contains("MetricsSummary.ValLoss", logger.Entries[1].Message);
    }

    [Fact]
    public void Without_a_logger_or_redirect_the_warning_is_written_to_the_real_standard_error()
    {
        LegacyApiShim.FallbackWriter = null;
        var stderr = new StringWriter();
        var saved = Console.Error;
        Console.SetError(stderr);
        try
        {
            _ = TrainingResults.FromMetrics(Notebook()).LossHistory;
        }
        finally
        {
            Console.SetError(saved);
        }

        Assert.Contains("TrainingResults.LossHistory is deprecated", stderr.ToString());
    }

    [Fact]
    public void The_reset_hook_makes_the_next_use_warn_again()
    {
        var results = TrainingResults.FromMetrics(Notebook());
        _ = results.LossHistory;

        LegacyApiShim.ResetForTests();
        _ = results.LossHistory;

        Assert.Equal(2, _scope.FallbackLines.Length);
    }

    // ---- strict mode ----

    [Fact]
    public void Strict_mode_by_AppContext_switch_throws_naming_the_replacement_and_the_command()
    {
        ShimScope.StrictBySwitch(true);
        var results = TrainingResults.FromMetrics(Notebook());

        var member = Assert.Throws<LegacyApiException>(() => results.LossHistory);
        var key = Assert.Throws<LegacyApiException>(() => results["val_loss_history"]);

        Assert.IsAssignableFrom<NotSupportedException>(member);
        Assert.Contains("MetricsSummary.TrainLoss", member.Message);
        Assert.Contains(MigrationCommand, member.Message);
        Assert.Contains("TorchTrainer.StrictLegacyApi", member.Message);
        Assert.Contains("MetricsSummary.ValLoss", key.Message);
        Assert.Contains(MigrationCommand, key.Message);
        Assert.Empty(_scope.Fallback.ToString());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    public void Strict_mode_by_environment_variable_throws_naming_the_replacement_and_the_command(string value)
    {
        ShimScope.StrictByEnvironment(value);
        var results = TrainingResults.FromMetrics(Notebook());

        var ex = Assert.Throws<LegacyApiException>(() => results.ValLossHistory);

        Assert.Contains("MetricsSummary.ValLoss", ex.Message);
        Assert.Contains(MigrationCommand, ex.Message);
        Assert.Contains("TORCHTRAINER_STRICT_LEGACY_API", ex.Message);
        Assert.Throws<LegacyApiException>(() => results["loss_history"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("")]
    public void Strict_mode_off_legacy_members_work_and_warn(string? value)
    {
        ShimScope.StrictByEnvironment(value!);
        ShimScope.StrictBySwitch(false);
        var results = TrainingResults.FromMetrics(Notebook());

        Assert.Equal(2.10, results.LossHistory[^1]);
        Assert.Equal(2.81, ((IReadOnlyList<double>)results["val_loss_history"]!)[^1]);
        Assert.Equal(2, _scope.FallbackLines.Length);
    }

    [Fact]
    public void Strict_mode_is_read_on_each_use_so_it_can_be_switched_off_again()
    {
        var results = TrainingResults.FromMetrics(Notebook());
        ShimScope.StrictBySwitch(true);
        Assert.Throws<LegacyApiException>(() => results.LossHistory);

        ShimScope.StrictBySwitch(false);

        Assert.Equal(2.10, results.LossHistory[^1]);
    }

    [Fact]
    public void Strict_mode_leaves_the_modern_API_and_serialization_working()
    {
        ShimScope.StrictBySwitch(true);
        ShimScope.StrictByEnvironment("1");
        var results = TrainingResults.FromMetrics(Notebook());

        Assert.Equal(2.10, results.FinalLoss);
        Assert.Equal(3, results["best_epoch"]);
        var json = results.ToJson();
        Assert.Contains("\"loss_history\": [3.4,2.8,2.35,2.1]", json);
        Assert.Equal(results.MetricsSummary.TrainLoss, TrainingResults.FromJson(json).MetricsSummary.TrainLoss);
    }

    /// <summary>The notebook's closing cell as v3 users wrote it.</summary>
    private static string PrintLegacy(TrainingResults r)
    {
        var text = new StringBuilder();
        var val = r.ValLossHistory;
        var best = 0;
        for (var i = 1; i < val.Count; i++)
        {
            if (val[i] < val[best])
            {
                best = i;
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"Train Loss: {r.LossHistory[^1]:F4}\n");
        text.Append(CultureInfo.InvariantCulture, $"Val Loss: {val[^1]:F4}\n");
        text.Append(CultureInfo.InvariantCulture, $"Perplexity: {Math.Exp(val[^1]):F2}\n");
        text.Append(CultureInfo.InvariantCulture, $"Best Epoch: {best + 1}\n");
        return text.ToString();
    }

    /// <summary>The same cell after the code fixes.</summary>
    private static string PrintModern(TrainingResults r)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Train Loss: {r.FinalLoss:F4}\n");
        text.Append(CultureInfo.InvariantCulture, $"Val Loss: {r.FinalValLoss:F4}\n");
        text.Append(CultureInfo.InvariantCulture, $"Perplexity: {r.Perplexity:F2}\n");
        text.Append(CultureInfo.InvariantCulture, $"Best Epoch: {r.BestEpoch}\n");
        return text.ToString();
    }
}
