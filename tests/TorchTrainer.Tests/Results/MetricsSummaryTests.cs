using static TorchTrainer.Tests.Results.Tables;

namespace TorchTrainer.Tests.Results;

public class MetricsSummaryTests
{
    [Fact]
    public void Standard_columns_come_first_in_standard_order_then_extras_in_first_seen_order()
    {
        var table = MetricsSummary.FromRows(
        [
            Row(("acc", 0.5), ("val/loss", 2.0), ("train/loss", 3.0)),
            Row(("train/loss", 2.0), ("tokens_per_s", 900), ("lr", 0.1)),
        ]);

        Assert.Equal(["epoch", "train/loss", "val/loss", "lr", "acc", "tokens_per_s"], table.ColumnNames);
        Assert.Equal([1.0, 2.0], table["epoch"]);
        Assert.Equal([0.5, double.NaN], table["acc"]);
        Assert.Equal([double.NaN, 900], table["tokens_per_s"]);
    }

    [Fact]
    public void Rows_and_columns_are_two_views_of_the_same_values()
    {
        var table = Notebook();

        Assert.Equal(4, table.Count);
        Assert.Equal([1, 2, 3, 4], table.Select(e => e.Epoch));
        Assert.Equal(table.TrainLoss, table.Select(e => e["train/loss"]));
        Assert.Equal(table.ValLoss, table.Select(e => e["val/loss"]));
        Assert.Same(table.TrainLoss, table["train/loss"]); // cached view, no copy per read
    }

    [Fact]
    public void Column_views_are_read_only()
    {
        var loss = Notebook().TrainLoss;

        var list = Assert.IsAssignableFrom<IList<double>>(loss);
        Assert.True(list.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => list[0] = 0);
        Assert.Throws<NotSupportedException>(() => list.Add(1));
        Assert.Equal(2.10, loss.Last());
        Assert.Equal(3.40, loss[0]);
    }

    [Fact]
    public void Unknown_column_names_the_columns_there_are()
    {
        var table = Notebook();

        var ex = Assert.Throws<KeyNotFoundException>(() => table["accuracy"]);

        Assert.Contains("'accuracy'", ex.Message);
        foreach (var column in table.ColumnNames)
        {
            Assert.Contains($"'{column}'", ex.Message);
        }
    }

    [Fact]
    public void Near_miss_of_a_standard_column_suggests_it()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => Notebook()["train_loss"]);

        Assert.Contains("Did you mean 'train/loss'?", ex.Message);
    }

    [Fact]
    public void Unknown_column_from_an_epoch_row_names_the_columns_too()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => Notebook()[0]["val-loss"]);

        Assert.Contains("'val/loss'", ex.Message);
    }

    [Fact]
    public void TryGetColumn_reports_missing_columns_without_throwing()
    {
        var table = NoValidation();

        Assert.True(table.TryGetColumn("train/loss", out var loss));
        Assert.Equal([1.5, 1.25, 1.0], loss);
        Assert.False(table.TryGetColumn("val/loss", out var val));
        Assert.Empty(val);
    }

    [Fact]
    public void Empty_table_has_an_epoch_column_and_no_rows()
    {
        var table = MetricsSummary.FromRows([]);

        Assert.Empty(table);
        Assert.Equal(["epoch"], table.ColumnNames);
        Assert.Empty(table.TrainLoss);
        Assert.Empty(table.ValLoss);
    }

    [Fact]
    public void Without_validation_data_ValLoss_is_empty()
    {
        var table = NoValidation();

        Assert.Equal(["epoch", "train/loss"], table.ColumnNames);
        Assert.Empty(table.ValLoss);
    }

    [Fact]
    public void Null_rows_and_empty_metric_names_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => MetricsSummary.FromRows(null!));
        Assert.Throws<ArgumentException>(() => MetricsSummary.FromRows([null!]));
        Assert.Throws<ArgumentException>(() => MetricsSummary.FromRows([Row((" ", 1))]));
    }
}
