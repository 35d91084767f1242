using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using TorchTrainer.Checkpoints;
using static TorchSharp.torch;

namespace TorchTrainer;

/// <summary>
/// Trains a TorchSharp <c>Module&lt;Tensor, Tensor&gt;</c> with AdamW and reports one
/// <see cref="MetricsSummary"/> row per epoch.
/// </summary>
/// <remarks>
/// <para>Data is a re-iterable sequence of (input, target) batches, enumerated once per epoch;
/// <see cref="TrainingData"/> adapts tensors, datasets and data loaders. The trainer keeps the
/// loss on the device and reads it once per log interval and once per epoch (no per-step host
/// synchronisation), and disposes every tensor it or the data creates during a step.</para>
/// <para>Failures after the start throw <see cref="TrainingFailedException"/> (or
/// <see cref="NonFiniteLossException"/>), cancellation throws <see cref="TrainingCanceledException"/>;
/// both carry the partial results, which are also saved as results.json when
/// <see cref="TrainerOptions.OutputDirectory"/> is set. Problems found before the first step throw
/// <see cref="TrainingSetupException"/>.</para>
/// <para>A trainer runs one training at a time. torch's random generator and thread count are
/// process-wide, so runs in parallel in one process are not reproducible.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> _model;

    /// <summary>Creates a trainer for <paramref name="model"/>.</summary>
    /// <exception cref="TrainingSetupException">The options are invalid; the message lists every problem and its fix.</exception>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchNativeLibrary.EnsureLoaded();
        _model = model;
        Options = options ?? new TrainerOptions();
        var problems = Options.Problems();
        if (problems.Count > 0)
        {
            throw new TrainingSetupException("Invalid TrainerOptions:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)));
        }
    }

    /// <summary>The options of this trainer.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model => _model;

    /// <summary>Trains from scratch (after seeding torch with <see cref="TrainerOptions.Seed"/>).</summary>
    /// <param name="trainingData">(input, target) batches; enumerated once per epoch.</param>
    /// <param name="validationData">Batches to validate on, or null to train without validation.</param>
    /// <param name="ct">Stops the run at the next step boundary; see <see cref="TrainingCanceledException"/>.</param>
    public TrainingResults Train(
        IEnumerable<(Tensor Input, Tensor Target)> trainingData,
        IEnumerable<(Tensor Input, Tensor Target)>? validationData = null,
        CancellationToken ct = default) =>
        Run(trainingData, validationData, resume: false, resumeDirectory: null, ct);

    /// <summary>
    /// Trains from scratch on a TorchSharp dataset (items with keys <c>data</c> and <c>label</c>),
    /// batched with <see cref="TrainerOptions.BatchSize"/> and shuffled per epoch with <see cref="TrainerOptions.Seed"/>.
    /// </summary>
    public TrainingResults Train(torch.utils.data.Dataset trainingData, torch.utils.data.Dataset? validationData = null, CancellationToken ct = default) =>
        Train(Batches(trainingData, shuffle: true), validationData is null ? null : Batches(validationData, shuffle: false), ct);

    /// <summary>
    /// Continues a run from its newest good checkpoint (model, optimizer, learning-rate schedule,
    /// random state and metrics so far), so that its metrics equal an uninterrupted run's. A damaged
    /// or incomplete checkpoint is skipped with a logged warning in favour of the previous good one.
    /// Pass the same data (and options) as the original run; <see cref="TrainerOptions.Epochs"/> may be raised.
    /// </summary>
    /// <param name="trainingData">The run's training batches.</param>
    /// <param name="validationData">The run's validation batches, or null.</param>
    /// <param name="checkpointDirectory">The run's checkpoint folder; default <see cref="TrainerOptions.CheckpointDirectory"/>. New checkpoints go to <see cref="TrainerOptions.CheckpointDirectory"/> when set, else here.</param>
    /// <param name="ct">Stops the run at the next step boundary.</param>
    public TrainingResults Resume(
        IEnumerable<(Tensor Input, Tensor Target)> trainingData,
        IEnumerable<(Tensor Input, Tensor Target)>? validationData = null,
        string? checkpointDirectory = null,
        CancellationToken ct = default) =>
        Run(trainingData, validationData, resume: true, checkpointDirectory, ct);

    /// <summary>Continues a run on a TorchSharp dataset; see <see cref="Resume(IEnumerable{ValueTuple{Tensor, Tensor}}, IEnumerable{ValueTuple{Tensor, Tensor}}?, string?, CancellationToken)"/>.</summary>
    public TrainingResults Resume(torch.utils.data.Dataset trainingData, torch.utils.data.Dataset? validationData = null, string? checkpointDirectory = null, CancellationToken ct = default) =>
        Resume(Batches(trainingData, shuffle: true), validationData is null ? null : Batches(validationData, shuffle: false), checkpointDirectory, ct);

    private IndexedBatches Batches(torch.utils.data.Dataset dataset, bool shuffle)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return TrainingData.FromDataset(dataset, Options.BatchSize, shuffle, Options.Seed);
    }

    private TrainingResults Run(
        IEnumerable<(Tensor Input, Tensor Target)> trainingData,
        IEnumerable<(Tensor Input, Tensor Target)>? validationData,
        bool resume,
        string? resumeDirectory,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trainingData);
        TorchNativeLibrary.EnsureLoaded(); // before the first TorchSharp call
        using var run = new TrainingRun(this, trainingData, validationData, ct);
        return run.Execute(resume, resumeDirectory);
    }

    /// <summary>The state of one call to Train or Resume.</summary>
    private sealed class TrainingRun : IDisposable
    {
        private const string ModelFile = "model.bin";
        private const string OptimizerFile = "optimizer.bin";
        private const string RngFile = "rng.bin";
        private const string ResultsFileName = "results.json";

        private readonly TrainerOptions _o;
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly IEnumerable<(Tensor Input, Tensor Target)> _train;
        private readonly IEnumerable<(Tensor Input, Tensor Target)>? _val;
        private readonly CancellationToken _ct;
        private readonly ILogger? _log;
        private readonly Device _device;
        private readonly List<Dictionary<string, double>> _rows = [];
        private readonly Stopwatch _clock = new();

        private CheckpointStore? _store;
        private AdamW? _optimizer;
        private Parameter[] _parameters = [];
        private MetricSinkHost? _sinks;
        private int? _stepsPerEpoch;
        private long _totalSteps;
        private long _globalStep;
        private double _previousSeconds;
        private string? _lastCheckpoint;
        private string? _bestCheckpoint;
        private double _bestMonitored = double.PositiveInfinity;
        private int _epochsWithoutImprovement;

        public TrainingRun(Trainer trainer, IEnumerable<(Tensor, Tensor)> train, IEnumerable<(Tensor, Tensor)>? val, CancellationToken ct)
        {
            _o = trainer.Options;
            _model = trainer._model;
            _train = train;
            _val = val;
            _ct = ct;
            _log = _o.Logger;
            _device = _o.ResolvedDevice;
        }

        public void Dispose()
        {
            _optimizer?.Dispose();
            _sinks?.Dispose();
        }

        public TrainingResults Execute(bool resume, string? resumeDirectory)
        {
            // ---- set-up: everything that can be wrong is found before the first step ----
            var resumePoint = PrepareFolders(resume, resumeDirectory);
            if (_o.Threads is { } threads)
            {
                torch.set_num_threads(threads);
            }

            _model.to(_device);
            _stepsPerEpoch = Probe(_train, "training data");
            if (_val is not null)
            {
                Probe(_val, "validation data");
            }

            if (_o.Schedule.NeedsTotalSteps && _stepsPerEpoch is null)
            {
                _stepsPerEpoch = CountBatches(_train);
            }

            _totalSteps = (long)(_stepsPerEpoch ?? 0) * _o.Epochs;
            _parameters = [.. _model.parameters()];
            _optimizer = torch.optim.AdamW(_parameters, _o.LearningRate, weight_decay: _o.WeightDecay);

            var startEpoch = 1;
            var skipSteps = 0;
            var lossSumBits = 0;
            var stoppedEarly = false;
            if (resumePoint is { } point)
            {
                Restore(point.Path, point.State);
                startEpoch = point.State.EpochsCompleted + 1;
                skipSteps = point.State.StepInEpoch;
                lossSumBits = point.State.EpochLossSumBits;
                stoppedEarly = point.State.StoppedEarly;
            }
            else
            {
                torch.manual_seed(_o.Seed);
            }

            _sinks = new MetricSinkHost(_o.Sinks, new MetricSinkHostOptions { Logger = _log });
            _sinks.OnTrainingStart(new TrainingStartInfo(_o.Epochs, _stepsPerEpoch, startEpoch, OutputDirectory));
            _clock.Start();
            var epoch = startEpoch;
            var step = 0;
            try
            {
                for (; epoch <= _o.Epochs && !stoppedEarly; epoch++)
                {
                    stoppedEarly = RunEpoch(epoch, skipSteps, lossSumBits, ref step);
                    skipSteps = 0;
                    lossSumBits = 0;
                }
            }
            catch (TrainingCanceledException)
            {
                throw;
            }
            catch (TrainingFailedException)
            {
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var partial = Finish();
                throw new TrainingFailedException(
                    $"Training failed in epoch {epoch}, step {step}: {e.Message}" +
                    (_lastCheckpoint is null ? "" : $" The last good checkpoint is '{_lastCheckpoint}'; Trainer.Resume continues from it."),
                    partial,
                    _lastCheckpoint,
                    e);
            }

            var results = Finish();
            _log?.LogInformation("Training finished: {Epochs} epochs, final train/loss {Loss}.", results.MetricsSummary.Count, results.FinalLoss);
            return results;
        }

        private string? OutputDirectory => _o.OutputDirectory is { } d ? Path.GetFullPath(d) : null;

        // ---------------------------------------------------------------- set-up

        private (string Path, CheckpointState State)? PrepareFolders(bool resume, string? resumeDirectory)
        {
            if (_o.OutputDirectory is { } output)
            {
                EnsureWritable(output, nameof(TrainerOptions.OutputDirectory), "write no results.json");
            }

            if (_o.CheckpointDirectory is { } checkpoints)
            {
                EnsureWritable(checkpoints, nameof(TrainerOptions.CheckpointDirectory), "write no checkpoints");
                _store = new CheckpointStore(checkpoints, _o.CheckpointsToKeep, _log);
                if (!resume && _store.Scan().Count > 0)
                {
                    _log?.LogInformation(
                        "CheckpointDirectory '{Folder}' already holds checkpoints; this new run's checkpoints supersede them and older ones are pruned.", _store.Directory);
                }
            }

            if (!resume)
            {
                return null;
            }

            var from = resumeDirectory ?? _o.CheckpointDirectory ?? throw new TrainingSetupException(
                "Resume needs the run's checkpoint folder: pass checkpointDirectory to Resume or set TrainerOptions.CheckpointDirectory.");
            if (!Directory.Exists(from))
            {
                throw new TrainingSetupException($"The checkpoint folder '{Path.GetFullPath(from)}' does not exist. Pass the CheckpointDirectory of the run you want to resume.");
            }

            var source = new CheckpointStore(from, _o.CheckpointsToKeep, _log);
            var point = source.FindResumePoint() ?? throw new TrainingSetupException(
                $"The checkpoint folder '{source.Directory}' holds no complete, undamaged checkpoint, so there is nothing to resume. " +
                "Start the run again with Trainer.Train.");
            if (_store is null)
            {
                EnsureWritable(from, "checkpointDirectory", "write no checkpoints");
                _store = source;
            }

            _lastCheckpoint = point.Path;
            _bestCheckpoint = source.FindNewestValid(CheckpointStore.Best);
            _log?.LogInformation("Resuming from checkpoint '{Checkpoint}' (epoch {Epoch}, step {Step}).", point.Path, point.State.EpochsCompleted + 1, point.State.StepInEpoch);
            return point;
        }

        private static void EnsureWritable(string folder, string option, string alternative)
        {
            string full;
            try
            {
                full = Path.GetFullPath(folder);
                Directory.CreateDirectory(full);
                var probe = Path.Combine(full, $".torchtrainer-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
                File.WriteAllBytes(probe, [1]);
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new TrainingSetupException(
                    $"{option} '{folder}' cannot be written to ({e.Message}). Choose a folder you can write to, or set {option} to null to {alternative}.", e);
            }
        }

        /// <summary>Reads the first batch and runs one forward pass and loss on it (eval mode, no grad); returns the batch count when the data knows it.</summary>
        private int? Probe(IEnumerable<(Tensor Input, Tensor Target)> data, string name)
        {
            using var scope = torch.NewDisposeScope();
            Tensor input, target;
            IEnumerator<(Tensor Input, Tensor Target)> batches;
            try
            {
                batches = data.GetEnumerator();
            }
            catch (Exception e)
            {
                throw new TrainingSetupException($"Reading the {name} failed: {e.Message}", e);
            }

            // The enumerator stays open until the probe is done: data loaders dispose a batch when they move on or close.
            using var open = batches;
            try
            {
                if (!batches.MoveNext())
                {
                    throw new TrainingSetupException(name == "training data"
                        ? "The training data is empty: it yielded no batch. Pass at least one (input, target) batch; with TrainingData adapters, check that the dataset is not empty."
                        : "The validation data yielded no batch. Pass a validation set with at least one batch, or pass null to train without validation.");
                }

                (input, target) = batches.Current;
            }
            catch (Exception e) when (e is not TrainingSetupException)
            {
                throw new TrainingSetupException($"Reading the first batch of the {name} failed: {e.Message}", e);
            }

            if (input is null || target is null)
            {
                throw new TrainingSetupException($"The first batch of the {name} has a null {(input is null ? "input" : "target")} tensor. Every batch needs an input and a target.");
            }

            var wasTraining = _model.training;
            _model.eval();
            try
            {
                using var noGrad = torch.no_grad();
                Tensor output;
                try
                {
                    output = _model.call(OnDevice(input));
                }
                catch (Exception e)
                {
                    throw new TrainingSetupException(
                        $"The model cannot process the first batch of the {name}: its input has shape {Shape(input)} ({input.dtype}). TorchSharp says: {FirstLine(e.Message)} " +
                        "Make the batches' input shape and dtype match what the model's first layer expects.", e);
                }

                Tensor loss;
                try
                {
                    loss = _o.Loss(output, OnDevice(target));
                }
                catch (Exception e)
                {
                    throw new TrainingSetupException(
                        $"The loss cannot compare the model's output {Shape(output)} ({output.dtype}) with the target {Shape(target)} ({target.dtype}) of the first batch of the {name}. " +
                        $"It says: {FirstLine(e.Message)} " +
                        "The default cross-entropy needs logits [..., C] and int64 class indices with the same leading shape; for other targets set TrainerOptions.Loss.", e);
                }

                if (loss is null || loss.numel() != 1)
                {
                    throw new TrainingSetupException(
                        $"The loss returned {(loss is null ? "null" : "a tensor of shape " + Shape(loss))} for the first batch of the {name}; it must return a scalar. Reduce it, for example with .mean().");
                }
            }
            finally
            {
                _model.train(wasTraining);
            }

            return data switch
            {
                IReadOnlyCollection<(Tensor, Tensor)> c => c.Count,
                ICollection<(Tensor, Tensor)> c => c.Count,
                _ => null,
            };
        }

        private static int CountBatches(IEnumerable<(Tensor Input, Tensor Target)> data)
        {
            var count = 0;
            using var batches = data.GetEnumerator();
            while (true)
            {
                using var scope = torch.NewDisposeScope();
                if (!batches.MoveNext())
                {
                    return count;
                }

                count++;
            }
        }

        private void Restore(string folder, CheckpointState state)
        {
            try
            {
                using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, ModelFile))))
                {
                    _model.load(reader, strict: true);
                }

                using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, OptimizerFile))))
                {
                    _optimizer!.load_state_dict(reader);
                }
            }
            catch (Exception e) when (e is not IOException)
            {
                throw new TrainingSetupException(
                    $"The checkpoint '{folder}' does not fit this model or optimizer: {FirstLine(e.Message)} Resume with the same model architecture the run was started with.", e);
            }

            using (var rng = torch.tensor(File.ReadAllBytes(Path.Combine(folder, RngFile)), dtype: torch.uint8))
            {
                torch.random.set_rng_state(rng);
            }

            _rows.AddRange(state.Rows);
            _globalStep = state.GlobalStep;
            _previousSeconds = state.TrainingTimeSeconds;
            foreach (var row in _rows)
            {
                Observe(row); // replays early stopping exactly as the original run saw it
            }
        }

        // ---------------------------------------------------------------- training

        /// <summary>Trains one epoch, validates it when due, records its row and checkpoints; returns true when early stopping ends the run.</summary>
        private bool RunEpoch(int epoch, int skipSteps, int lossSumBits, ref int step)
        {
            var epochClock = Stopwatch.StartNew();
            (_train as IEpochAwareData)?.SetEpoch(epoch);
            (_val as IEpochAwareData)?.SetEpoch(epoch);
            _model.train();

            step = 0;
            var lr = CurrentRate(epoch);
            using var epochSum = skipSteps > 0
                ? torch.tensor(new[] { BitConverter.Int32BitsToSingle(lossSumBits) }, device: _device)
                : torch.zeros(1, dtype: torch.float32, device: _device);
            using var intervalSum = torch.zeros(1, dtype: torch.float32, device: _device);
            // The current log interval's step losses, on the device: read only when a loss turned out
            // non-finite, to name the step that did it. One copy a step, no host sync.
            using var intervalLosses = torch.empty(_o.LogIntervalSteps, dtype: torch.float32, device: _device);
            var intervalSteps = 0;
            using var batches = _train.GetEnumerator();
            for (; step < skipSteps; step++)
            {
                using var skip = torch.NewDisposeScope();
                if (!batches.MoveNext())
                {
                    throw new TrainingSetupException(
                        $"The checkpoint stopped in epoch {epoch} after step {skipSteps}, but the training data now has only {step} batches. Resume with the run's original data.");
                }
            }

            while (true)
            {
                if (_ct.IsCancellationRequested)
                {
                    Cancel(epoch, step, epochSum, FirstNonFiniteStep(intervalLosses, intervalSteps, step));
                }

                using (var scope = torch.NewDisposeScope())
                {
                    if (!batches.MoveNext())
                    {
                        break;
                    }

                    var (input, target) = batches.Current;
                    lr = CurrentRate(epoch);
                    foreach (var group in _optimizer!.ParamGroups)
                    {
                        group.LearningRate = lr;
                    }

                    _optimizer.zero_grad();
                    var loss = _o.Loss(_model.call(OnDevice(input)), OnDevice(target));
                    loss.backward();
                    if (_o.GradientClipNorm is { } clip)
                    {
                        ClipGradients(clip);
                    }

                    _optimizer.step();

                    // All on the device: no host sync per step.
                    var value = loss.detach().reshape(1);
                    epochSum.add_(value);
                    intervalSum.add_(value);
                    intervalLosses.narrow(0, intervalSteps, 1).copy_(value);
                }

                step++;
                _globalStep++;
                if (++intervalSteps == _o.LogIntervalSteps)
                {
                    ReportInterval(epoch, step, intervalSum, intervalSteps, lr, intervalLosses);
                    intervalSteps = 0;
                }
            }

            if (step == 0)
            {
                throw new TrainingSetupException(
                    $"The training data yielded no batch in epoch {epoch}. The data must be iterable once per epoch: pass a list, a TrainingData adapter, or an IEnumerable whose GetEnumerator starts over (not a one-shot iterator).");
            }

            if (intervalSteps > 0)
            {
                ReportInterval(epoch, step, intervalSum, intervalSteps, lr, intervalLosses);
            }

            var sum = epochSum.item<float>(); // the epoch's one read
            if (!float.IsFinite(sum))
            {
                throw NonFinite(epoch, step); // every interval was finite: the sum itself overflowed
            }

            var row = new Dictionary<string, double>
            {
                [StandardColumns.Epoch] = epoch,
                [StandardColumns.TrainLoss] = (double)sum / step,
            };
            double? valLoss = null;
            if (_val is not null)
            {
                var validate = epoch % _o.ValidateEveryEpochs == 0 || epoch == _o.Epochs;
                var stepsDone = step;
                valLoss = validate ? Validate(epoch, () => Cancel(epoch, stepsDone, epochSum, new Lazy<int>(stepsDone))) : null;
                row[StandardColumns.ValLoss] = valLoss ?? double.NaN;
                row[StandardColumns.ValPerplexity] = valLoss is { } v ? Math.Exp(v) : double.NaN;
            }

            row[StandardColumns.LearningRate] = lr;
            AddCallerMetrics(epoch, row, valLoss);
            row[StandardColumns.EpochSeconds] = epochClock.Elapsed.TotalSeconds;
            _rows.Add(row);

            var improved = Observe(row);
            var stop = _o.EarlyStoppingPatience is { } patience && _epochsWithoutImprovement >= patience;
            if (_store is not null)
            {
                if (improved)
                {
                    _bestCheckpoint = WriteCheckpoint(CheckpointStore.Best, epoch, 0, 0, stop);
                }

                _lastCheckpoint = WriteCheckpoint(CheckpointStore.Last, epoch, 0, 0, stop);
            }

            _sinks!.OnEpochEnd(MetricsSummary.FromRows(_rows)[^1]);
            _log?.LogInformation(
                "Epoch {Epoch}/{Epochs}: train/loss {TrainLoss:G5}{Val}, lr {Lr:G3}",
                epoch, _o.Epochs, row[StandardColumns.TrainLoss], valLoss is { } vl ? $", val/loss {vl:G5}" : "", lr);
            if (stop)
            {
                _log?.LogInformation("Early stopping after epoch {Epoch}: no improvement for {Patience} validated epochs.", epoch, _epochsWithoutImprovement);
            }

            return stop;
        }

        private double CurrentRate(int epoch) => _o.Schedule.RateAt(_o.LearningRate, _globalStep, epoch, _totalSteps);

        private Tensor OnDevice(Tensor t) => t.device == _device ? t : t.to(_device);

        private void ClipGradients(double maxNorm) => GradientClipping.ClipByGlobalNorm(_parameters, maxNorm);

        private void ReportInterval(int epoch, int step, Tensor intervalSum, int steps, double lr, Tensor intervalLosses)
        {
            using var scope = torch.NewDisposeScope(); // zero_() hands back a new tensor handle
            var sum = intervalSum.item<float>(); // one read per log interval
            intervalSum.zero_();
            if (!float.IsFinite(sum))
            {
                throw NonFinite(epoch, FirstNonFiniteStep(intervalLosses, steps, step).Value);
            }

            _sinks!.OnStep(new StepProgress(epoch, step, _stepsPerEpoch, _globalStep, (double)sum / steps, lr));
        }

        /// <summary>Mean loss over the validation batches; on cancellation calls <paramref name="cancel"/> (which saves the trained epoch and throws).</summary>
        private double Validate(int epoch, Action cancel)
        {
            _model.eval();
            try
            {
                using var noGrad = torch.no_grad();
                using var sum = torch.zeros(1, dtype: torch.float32, device: _device);
                var batches = 0;
                using var e = _val!.GetEnumerator();
                while (true)
                {
                    if (_ct.IsCancellationRequested)
                    {
                        cancel();
                    }

                    using var scope = torch.NewDisposeScope();
                    if (!e.MoveNext())
                    {
                        break;
                    }

                    var (input, target) = e.Current;
                    sum.add_(_o.Loss(_model.call(OnDevice(input)), OnDevice(target)).detach().reshape(1));
                    batches++;
                }

                if (batches == 0)
                {
                    throw new TrainingSetupException(
                        $"The validation data yielded no batch in epoch {epoch}. It must be iterable once per validation: pass a list, a TrainingData adapter, or an IEnumerable whose GetEnumerator starts over.");
                }

                return (double)sum.item<float>() / batches;
            }
            finally
            {
                _model.train();
            }
        }

        private void AddCallerMetrics(int epoch, Dictionary<string, double> row, double? valLoss)
        {
            if (_o.Metrics.Count == 0)
            {
                return;
            }

            _model.eval();
            try
            {
                using var noGrad = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                var context = new EpochMetricContext(epoch, _model, row[StandardColumns.TrainLoss], valLoss, _val, _device);
                foreach (var metric in _o.Metrics)
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
                _model.train();
            }
        }

        /// <summary>Feeds one epoch's row to early stopping; returns whether the monitored loss improved.</summary>
        private bool Observe(Dictionary<string, double> row)
        {
            var column = _val is not null ? StandardColumns.ValLoss : StandardColumns.TrainLoss;
            if (!row.TryGetValue(column, out var monitored) || double.IsNaN(monitored))
            {
                return false; // not validated this epoch: does not count
            }

            if (monitored < _bestMonitored)
            {
                _bestMonitored = monitored;
                _epochsWithoutImprovement = 0;
                return true;
            }

            _epochsWithoutImprovement++;
            return false;
        }

        // ---------------------------------------------------------------- checkpoints, ends

        private string WriteCheckpoint(string kind, int epochsCompleted, int stepInEpoch, int lossSumBits, bool stoppedEarly)
        {
            var state = new CheckpointState
            {
                EpochsCompleted = epochsCompleted,
                StepInEpoch = stepInEpoch,
                GlobalStep = _globalStep,
                EpochLossSumBits = lossSumBits,
                StoppedEarly = stoppedEarly,
                Seed = _o.Seed,
                TrainingTimeSeconds = _previousSeconds + _clock.Elapsed.TotalSeconds,
                Rows = _rows,
            };
            return _store!.Write(kind,
            [
                new(ModelFile, s =>
                {
                    using var w = new BinaryWriter(s);
                    _model.save(w);
                }),
                new(OptimizerFile, s =>
                {
                    using var w = new BinaryWriter(s);
                    _optimizer!.save_state_dict(w);
                }),
                new(RngFile, s =>
                {
                    using var rng = torch.random.get_rng_state();
                    s.Write(rng.data<byte>().ToArray());
                }),
                new(CheckpointState.FileName, s => System.Text.Json.JsonSerializer.Serialize(s, state, CheckpointManifest.Json)),
            ]);
        }

        /// <summary>
        /// The 1-based step of the first non-finite loss among the <paramref name="count"/> steps of the current
        /// interval, which ended at <paramref name="lastStep"/>; <paramref name="lastStep"/> when each loss was finite.
        /// Lazy: it reads the device only when a run actually fails.
        /// </summary>
        private static Lazy<int> FirstNonFiniteStep(Tensor intervalLosses, int count, int lastStep) => new(() =>
        {
            if (count == 0)
            {
                return lastStep;
            }

            using var scope = torch.NewDisposeScope();
            var losses = intervalLosses.narrow(0, 0, count).cpu().data<float>().ToArray();
            var first = Array.FindIndex(losses, loss => !float.IsFinite(loss));
            return first < 0 ? lastStep : lastStep - count + 1 + first;
        });

        private NonFiniteLossException NonFinite(int epoch, int step)
        {
            var partial = Finish();
            return new NonFiniteLossException(epoch, step, partial, _lastCheckpoint);
        }

        private void Cancel(int epoch, int step, Tensor epochSum, Lazy<int> firstNonFiniteStep)
        {
            var sum = epochSum.item<float>();
            if (!float.IsFinite(sum))
            {
                throw NonFinite(epoch, firstNonFiniteStep.Value);
            }

            if (_store is not null)
            {
                _lastCheckpoint = WriteCheckpoint(CheckpointStore.Last, epoch - 1, step, BitConverter.SingleToInt32Bits(sum), stoppedEarly: false);
            }

            var partial = Finish();
            throw new TrainingCanceledException(partial, _store is null ? null : _lastCheckpoint, epoch, step, _ct);
        }

        /// <summary>Builds the results of the epochs so far, saves results.json and tells the sinks; never throws for a failed save.</summary>
        private TrainingResults Finish()
        {
            _clock.Stop();
            var results = new TrainingResults(
                MetricsSummary.FromRows(_rows),
                TimeSpan.FromSeconds(_previousSeconds + _clock.Elapsed.TotalSeconds),
                _bestCheckpoint)
            {
                Logger = _log, // legacy-API warnings of these results go to the trainer's logger
            };
            if (OutputDirectory is { } output)
            {
                try
                {
                    results.Save(Path.Combine(output, ResultsFileName));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _log?.LogError(e, "Could not save {File} to '{Folder}': {Error}", ResultsFileName, output, e.Message);
                }
            }

            _sinks?.OnTrainingEnd(results);
            return results;
        }

        private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

        private static string FirstLine(string message)
        {
            var line = message.Split('\n', 2)[0].Trim();
            return line.EndsWith('.') ? line : line + ".";
        }
    }
}
