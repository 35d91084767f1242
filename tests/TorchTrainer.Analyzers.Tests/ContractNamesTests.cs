using System.Reflection;
using TorchTrainer.Contract;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>
/// One source of names (src/Shared/ContractNames.cs, compiled into the analyzers and the runtime): the analyzers'
/// view of the names is checked against the real runtime assembly, and both against the contract's literal names.
/// </summary>
public class ContractNamesTests
{
    private static readonly Assembly Runtime = TorchTrainerLibrary.Runtime;

    [Fact]
    public void Types_and_members_the_analyzers_look_for_exist_in_the_runtime()
    {
        Assert.Equal(ContractTypes.AssemblyName, Runtime.GetName().Name);
        var results = Runtime.GetType(ContractTypes.TrainingResultsMetadataName, throwOnError: true)!;
        var summary = Runtime.GetType(ContractTypes.MetricsSummaryMetadataName, throwOnError: true)!;
        Assert.NotNull(Runtime.GetType(ContractTypes.EpochMetricsMetadataName, throwOnError: true));
        Assert.Equal(typeof(TrainingResults), results);

        Assert.Equal(nameof(TrainingResults.LossHistory), ContractMembers.LossHistory);
        Assert.Equal(nameof(TrainingResults.ValLossHistory), ContractMembers.ValLossHistory);
        Assert.Equal(nameof(TrainingResults.MetricsSummary), ContractMembers.MetricsSummary);
        Assert.Equal(nameof(TrainingResults.FinalLoss), ContractMembers.FinalLoss);
        Assert.Equal(nameof(TrainingResults.FinalValLoss), ContractMembers.FinalValLoss);
        Assert.Equal(nameof(TrainingResults.Perplexity), ContractMembers.Perplexity);
        Assert.Equal(nameof(TrainingResults.BestEpoch), ContractMembers.BestEpoch);
        Assert.Equal(nameof(MetricsSummary.TrainLoss), ContractMembers.TrainLoss);
        Assert.Equal(nameof(MetricsSummary.ValLoss), ContractMembers.ValLoss);
        Assert.Equal(nameof(MetricsSummary.TryGetColumn), ContractMembers.TryGetColumn);
        Assert.Equal(summary, results.GetProperty(ContractMembers.MetricsSummary)!.PropertyType);
    }

    [Fact]
    public void Keys_and_columns_are_the_runtimes_and_the_contracts()
    {
        string[] keys = ["metrics_summary", "final_loss", "final_val_loss", "perplexity", "best_epoch", "training_time_s", "best_checkpoint", "loss_history", "val_loss_history"];
        Assert.Equal(keys, KeyNames.All);
        Assert.Equal(keys, ResultKeys.All);
        Assert.Equal(["loss_history", "val_loss_history"], ResultKeys.Deprecated);
        Assert.Equal(["loss_history", "val_loss_history"], [KeyNames.LossHistory, KeyNames.ValLossHistory]);

        string[] columns = ["epoch", "train/loss", "val/loss", "val/perplexity", "lr", "time/epoch_s"];
        Assert.Equal(columns, ColumnNames.All);
        Assert.Equal(columns, StandardColumns.All);
    }

    [Fact]
    public void Strict_mode_names_are_the_runtimes_and_the_packages()
    {
        Assert.Equal("TorchTrainerStrictLegacyApi", StrictModeNames.MSBuildProperty);
        Assert.Equal("build_property.TorchTrainerStrictLegacyApi", StrictModeNames.AnalyzerOption);
        var runtimeSwitch = Runtime.GetType("TorchTrainer.StrictLegacyApi", throwOnError: true)!;
        Assert.Equal("TorchTrainer.StrictLegacyApi", runtimeSwitch.GetField("AppContextSwitch")!.GetRawConstantValue());
        Assert.Equal("TORCHTRAINER_STRICT_LEGACY_API", runtimeSwitch.GetField("EnvironmentVariable")!.GetRawConstantValue());
        Assert.Equal(StrictModeNames.AppContextSwitch, runtimeSwitch.GetField("AppContextSwitch")!.GetRawConstantValue());

        // The package's props turn the property into the switch and make it visible to the analyzers.
        var props = File.ReadAllText(Path.Combine(Repository.Root, "src", "TorchTrainer", "buildTransitive", "TorchTrainer.props"));
        Assert.Contains("<CompilerVisibleProperty Include=\"TorchTrainerStrictLegacyApi\" />", props);
        Assert.Contains("<RuntimeHostConfigurationOption Include=\"TorchTrainer.StrictLegacyApi\"", props);
        Assert.Contains("'$(TorchTrainerStrictLegacyApi)'", props);
    }

    [Theory]
    [InlineData("val-loss", "val/loss")]
    [InlineData("train_loss", "train/loss")]
    [InlineData("loss", "train/loss")]
    [InlineData("Val_Loss_History", "val/loss")]
    [InlineData("learning_rate", "lr")]
    [InlineData("trian/loss", "train/loss")]
    [InlineData("validation_loss", "val/loss")]
    public void Runtime_did_you_mean_agrees_with_TRN0003(string name, string meant)
    {
        Assert.Equal(meant, ColumnNames.SuggestFor(name));
        var table = MetricsSummary.FromRows(
        [
            new Dictionary<string, double> { ["epoch"] = 1, ["train/loss"] = 2.0, ["val/loss"] = 2.5, ["lr"] = 0.1 },
        ]);
        var error = Assert.Throws<KeyNotFoundException>(() => table[name]);
        Assert.Contains($"Did you mean '{meant}'?", error.Message);
    }
}
