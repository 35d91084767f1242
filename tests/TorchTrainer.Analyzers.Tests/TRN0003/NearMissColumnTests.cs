using Microsoft.CodeAnalysis.Testing;
using TorchTrainer.Analyzers.Tests.Infrastructure;
using V = TorchTrainer.Analyzers.Tests.Infrastructure.Verify<TorchTrainer.Analyzers.NearMissColumnAnalyzer, TorchTrainer.Analyzers.CodeFixes.NearMissColumnFixer>;

namespace TorchTrainer.Analyzers.Tests.TRN0003;

/// <summary>TRN0003: near misses of standard column names, and the columns it must leave alone.</summary>
public class NearMissColumnTests
{
    private const string Header = """
        using System;
        using System.Collections.Generic;
        using TorchTrainer;

        """;

    [Theory]
    [InlineData("m[{|#0:\"train_loss\"|}]", "m[\"train/loss\"]", "train_loss", "train/loss")]
    [InlineData("m[{|#0:\"val-loss\"|}]", "m[\"val/loss\"]", "val-loss", "val/loss")]
    [InlineData("m[{|#0:\"loss\"|}]", "m[\"train/loss\"]", "loss", "train/loss")]
    [InlineData("m[{|#0:\"Train/Loss\"|}]", "m[\"train/loss\"]", "Train/Loss", "train/loss")]
    [InlineData("m[{|#0:\"val/los\"|}]", "m[\"val/loss\"]", "val/los", "val/loss")]
    [InlineData("m[{|#0:\"learning_rate\"|}]", "m[\"lr\"]", "learning_rate", "lr")]
    [InlineData("m[{|#0:\"\"\"val_perplexity\"\"\"|}]", "m[\"val/perplexity\"]", "val_perplexity", "val/perplexity")]
    [InlineData("m?[{|#0:\"Epoch\"|}]", "m?[\"epoch\"]", "Epoch", "epoch")]
    [InlineData("m.TryGetColumn({|#0:\"val_loss\"|}, out var values) ? values : null", "m.TryGetColumn(\"val/loss\", out var values) ? values : null", "val_loss", "val/loss")]
    [InlineData("m.TryGetColumn(values: out var values, column: {|#0:\"time/epoch-s\"|}) ? values : null", "m.TryGetColumn(values: out var values, column: \"time/epoch_s\") ? values : null", "time/epoch-s", "time/epoch_s")]
    [InlineData("m[0][{|#0:\"train-loss\"|}]", "m[0][\"train/loss\"]", "train-loss", "train/loss")]
    public Task Suggests_the_standard_column(string legacy, string modern, string column, string suggestion) =>
        V.FixAsync(Method(legacy), Method(modern), V.Diagnostic(Descriptors.NearMissColumn, 0, column, suggestion));

    [Fact]
    public Task User_columns_and_non_literals_are_not_flagged() =>
        V.DiagnosticsAsync(Header + """
            class C
            {
                const string Column = "train_loss";
                object M(MetricsSummary m, string name, Dictionary<string, double> d) => new object[]
                {
                    m["train/loss"], m["val/loss"], m["epoch"], m["lr"], m["val/perplexity"], m["time/epoch_s"],
                    m["accuracy"], m["val/accuracy"], m["train/acc"], m["grad_norm"], m["val/loss2"], m["bleu"],
                    m["f1"], m["lr_decay"], m["throughput"],
                    m[name], m[Column], m[$"{name}/loss"], d["train_loss"],
                };
            }
            """);

    [Theory]
    [InlineData("train_loss", "train/loss")]
    [InlineData("TRAIN-LOSS", "train/loss")]
    [InlineData("training_loss", "train/loss")]
    [InlineData("validation_loss", "val/loss")]
    [InlineData("val.loss", "val/loss")]
    [InlineData("vall/oss", "val/loss")]
    [InlineData("perplexity", "val/perplexity")]
    [InlineData("val/perplexty", "val/perplexity")]
    [InlineData("LR", "lr")]
    [InlineData("epoch_time", "time/epoch_s")]
    [InlineData("time_epoch_s", "time/epoch_s")]
    [InlineData("epoch", null)]
    [InlineData("train/loss", null)]
    [InlineData("accuracy", null)]
    [InlineData("val/accuracy", null)]
    [InlineData("val_loss_2", null)]
    [InlineData("loss2", null)]
    [InlineData("l2", null)]
    [InlineData("eval", null)]
    [InlineData("", null)]
    [InlineData("train/loss/ema", null)]
    [InlineData("épоch", null)]
    public void SuggestFor(string name, string? expected) =>
        Assert.Equal(expected, Contract.ColumnNames.SuggestFor(name));

    private static string Method(string expression) => Header + $$"""
        class C
        {
            object? M(MetricsSummary m)
            {
                return {{expression}};
            }
        }
        """;
}
