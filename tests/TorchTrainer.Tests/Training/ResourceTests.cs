using TorchSharp;
using static TorchSharp.torch;

namespace TorchTrainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ResourceTests
{
    [Fact]
    public void The_live_tensor_count_does_not_grow_across_epochs()
    {
        var (train, val) = Toy.Batches();
        var folder = Toy.TempFolder("leak");
        var total = new List<long>();
        var thread = new List<long>();
        EpochMetric count = _ =>
        {
            total.Add(LiveTensors());
            thread.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            return new Dictionary<string, double>();
        };
        var options = Toy.Options(epochs: 6) with
        {
            Metrics = [count],
            GradientClipNorm = 1.0,
            Schedule = LearningRateSchedule.Cosine(warmupSteps: 3),
            CheckpointDirectory = folder,
            LogIntervalSteps = 2,
        };

        var model = Toy.Model(dropout: 0.1);
        var before = LiveTensors();
        new Trainer(model, options).Train(train, val);
        var after = LiveTensors();

        // Epoch 1 creates the optimizer's state; from then on every epoch ends with the same count.
        Assert.All(total.Skip(1), c => Assert.Equal(total[1], c));
        Assert.All(thread.Skip(1), c => Assert.Equal(thread[1], c));
        Assert.True(after <= before + 4, $"{after - before} tensors outlived the run"); // at most the gradients of the model's 4 parameters
    }

    /// <summary>Tensors alive in the process once garbage (from this and earlier tests) has been finalized.</summary>
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.Tensor.TotalCount;
    }

    [Fact]
    public void Tensor_batches_are_reshuffled_per_epoch_reproducibly_from_the_seed()
    {
        var x = torch.arange(10).reshape(10, 1).to(torch.float32);
        var y = torch.arange(10);
        var a = TrainingData.FromTensors(x, y, 4, shuffle: true, seed: 5);
        var b = TrainingData.FromTensors(x, y, 4, shuffle: true, seed: 5);

        Assert.Equal(3, a.Count);
        var epoch1 = Order(a);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), epoch1.Order());
        Assert.Equal(epoch1, Order(a));
        a.SetEpoch(2);
        Assert.NotEqual(epoch1, Order(a));
        b.SetEpoch(2);
        Assert.Equal(Order(a), Order(b));
        Assert.Equal(2, TrainingData.FromTensors(x, y, 4, dropLast: true).Count);
    }

    [Fact]
    public void A_TorchSharp_dataset_trains_through_the_dataset_overload()
    {
        var (x, y) = Toy.Data(40, 4);
        using var dataset = new DictDataset(x, y);
        var options = Toy.Options(epochs: 3) with { BatchSize = 8 };
        var sink = new RecordingSink();

        var results = new Trainer(Toy.Model(), options with { Sinks = [sink] }).Train(dataset, dataset);

        Assert.Equal(3, results.MetricsSummary.Count);
        Assert.Equal((3, 5, 1), (sink.Starts[0].Epochs, sink.Starts[0].StepsPerEpoch, sink.Starts[0].StartEpoch));
        Assert.True(results.FinalLoss < results.MetricsSummary.TrainLoss[0]);
    }

    [Fact]
    public void Data_loaders_are_adapted()
    {
        var (x, y) = Toy.Data(40, 4);
        using var loader = torch.utils.data.DataLoader(new DictDataset(x, y), 10, shuffle: false);
        var batches = TrainingData.FromDataLoader(loader);
        Assert.Equal(4, batches.Count);

        var results = new Trainer(Toy.Model(), Toy.Options(epochs: 2)).Train(batches);
        Assert.Equal(2, results.MetricsSummary.Count);

        var tensors = torch.utils.data.TensorDataset(x, y);
        var fromIterable = TrainingData.FromDataset(tensors, 16);
        Assert.Equal(3, fromIterable.Count);
        Assert.Equal([16L, 4], fromIterable.First().Input.shape);
    }

    private static long[] Order(TensorBatches batches) =>
        batches.SelectMany(b => b.Target.data<long>().ToArray()).ToArray();

    private sealed class DictDataset(Tensor x, Tensor y) : torch.utils.data.Dataset
    {
        public override long Count => x.shape[0];

        public override Dictionary<string, Tensor> GetTensor(long index) => new()
        {
            ["data"] = x[index],
            ["label"] = y[index],
        };
    }
}
