using System.Collections.Concurrent;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>Which TorchTrainer the code under test references.</summary>
public enum LibraryVersion
{
    /// <summary>v3.x: LossHistory / ValLossHistory and the string-keyed view, no MetricsSummary.</summary>
    V3,

    /// <summary>v4.x: the modern API plus the legacy members (the runtime shim).</summary>
    V4,

    /// <summary>v5.0: the modern API only; legacy code gets CS1061.</summary>
    V5,
}

/// <summary>
/// The TorchTrainer results API as C# stubs that mirror the contract's signatures exactly, each version
/// compiled once into an assembly named TorchTrainer and referenced as metadata, like the real package.
/// The members have real (small) behaviour so that programs can be run before and after a fix.
/// </summary>
public static class TorchTrainerStubs
{
    private const string Source = """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.Linq;

        namespace TorchTrainer
        {
        #if MODERN
            public sealed class TrainingResults
            {
                private readonly MetricsSummary _metrics;

                private TrainingResults(MetricsSummary metrics, TimeSpan trainingTime, string? bestCheckpointPath)
                {
                    _metrics = metrics;
                    TrainingTime = trainingTime;
                    BestCheckpointPath = bestCheckpointPath;
                }

                public MetricsSummary MetricsSummary => _metrics;
                public double FinalLoss => _metrics.TrainLoss.Count == 0 ? double.NaN : _metrics.TrainLoss[_metrics.TrainLoss.Count - 1];
                public double? FinalValLoss
                {
                    get
                    {
                        for (var i = _metrics.ValLoss.Count - 1; i >= 0; i--)
                        {
                            if (!double.IsNaN(_metrics.ValLoss[i])) return _metrics.ValLoss[i];
                        }
                        return null;
                    }
                }
                public double? Perplexity => FinalValLoss is double v ? Math.Exp(v) : null;
                public int BestEpoch
                {
                    get
                    {
                        var column = _metrics.ValLoss.Count > 0 ? _metrics.ValLoss : _metrics.TrainLoss;
                        var best = 0;
                        for (var i = 0; i < column.Count; i++)
                        {
                            if (!double.IsNaN(column[i]) && (best == 0 || column[i] < column[best - 1])) best = i + 1;
                        }
                        return best;
                    }
                }
                public TimeSpan TrainingTime { get; }
                public string? BestCheckpointPath { get; }
        #if LEGACY
                [EditorBrowsable(EditorBrowsableState.Never)] public IReadOnlyList<double> LossHistory => _metrics.TrainLoss;
                [EditorBrowsable(EditorBrowsableState.Never)] public IReadOnlyList<double> ValLossHistory => _metrics.ValLoss;
        #endif
                public object this[string key] => key switch
                {
                    "metrics_summary" => _metrics,
                    "final_loss" => FinalLoss,
                    "final_val_loss" => FinalValLoss!,
                    "perplexity" => Perplexity!,
                    "best_epoch" => BestEpoch,
                    "training_time_s" => TrainingTime.TotalSeconds,
                    "best_checkpoint" => BestCheckpointPath!,
        #if LEGACY
                    "loss_history" => _metrics.TrainLoss,
                    "val_loss_history" => _metrics.ValLoss,
        #endif
                    _ => throw new KeyNotFoundException("Unknown key '" + key + "'. Valid keys: " + string.Join(", ", Keys)),
                };
                public IReadOnlyCollection<string> Keys => new[] { "metrics_summary", "final_loss", "final_val_loss", "perplexity", "best_epoch", "training_time_s", "best_checkpoint",
        #if LEGACY
                    "loss_history", "val_loss_history",
        #endif
                };

                public string ToJson() => "{ \"schema_version\": 4 }";
                public void Save(string path) => System.IO.File.WriteAllText(path, ToJson());
                public static TrainingResults FromJson(string json) => throw new NotSupportedException("stub");
                public static TrainingResults Load(string path) => FromJson(System.IO.File.ReadAllText(path));
                public static TrainingResults FromMetrics(MetricsSummary metrics, TimeSpan trainingTime = default, string? bestCheckpointPath = null) =>
                    new TrainingResults(metrics, trainingTime, bestCheckpointPath);
            }

            public sealed class MetricsSummary : IReadOnlyList<EpochMetrics>
            {
                private readonly List<EpochMetrics> _rows;
                private readonly Dictionary<string, IReadOnlyList<double>> _columns = new Dictionary<string, IReadOnlyList<double>>();

                private MetricsSummary(List<IReadOnlyDictionary<string, double>> rows)
                {
                    var names = new List<string> { "epoch", "train/loss", "val/loss" };
                    foreach (var row in rows) foreach (var key in row.Keys) if (!names.Contains(key)) names.Add(key);
                    ColumnNames = names;
                    foreach (var name in names)
                    {
                        _columns[name] = rows.Select(r => r.TryGetValue(name, out var v) ? v : double.NaN).ToList();
                    }
                    if (_columns["val/loss"].All(double.IsNaN)) _columns["val/loss"] = new List<double>();
                    _rows = rows.Select((r, i) => new EpochMetrics(i + 1, r)).ToList();
                }

                public static MetricsSummary FromRows(IEnumerable<IReadOnlyDictionary<string, double>> rows) => new MetricsSummary(rows.ToList());
                public IReadOnlyList<string> ColumnNames { get; }
                public IReadOnlyList<double> this[string column] =>
                    _columns.TryGetValue(column, out var values) ? values : throw new KeyNotFoundException("Unknown column '" + column + "'. Columns: " + string.Join(", ", ColumnNames));
                public bool TryGetColumn(string column, out IReadOnlyList<double> values)
                {
                    if (_columns.TryGetValue(column, out var found)) { values = found; return true; }
                    values = Array.Empty<double>();
                    return false;
                }
                public IReadOnlyList<double> TrainLoss => _columns["train/loss"];
                public IReadOnlyList<double> ValLoss => _columns["val/loss"];
                public int Count => _rows.Count;
                public EpochMetrics this[int index] => _rows[index];
                public IEnumerator<EpochMetrics> GetEnumerator() => _rows.GetEnumerator();
                IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
            }

            public sealed class EpochMetrics
            {
                private readonly IReadOnlyDictionary<string, double> _values;
                internal EpochMetrics(int epoch, IReadOnlyDictionary<string, double> values) { Epoch = epoch; _values = values; }
                public int Epoch { get; }
                public double this[string column] => column == "epoch" ? Epoch : _values.TryGetValue(column, out var v) ? v : throw new KeyNotFoundException(column);
            }
        #else
            public sealed class TrainingResults
            {
                public IReadOnlyList<double> LossHistory { get; } = new List<double>();
                public IReadOnlyList<double> ValLossHistory { get; } = new List<double>();
                public object this[string key] => key == "loss_history" ? LossHistory : key == "val_loss_history" ? ValLossHistory : throw new KeyNotFoundException(key);
            }
        #endif
        }
        """;

    private static readonly ConcurrentDictionary<LibraryVersion, byte[]> Images = new();
    private static readonly ConcurrentDictionary<LibraryVersion, MetadataReference> References = new();

    /// <summary>
    /// The .NET 8 reference assemblies the test code compiles against: the few it uses rather than all
    /// 160 (every compilation binds every reference; the full set made each test several times slower).
    /// </summary>
    public static readonly IReadOnlyList<MetadataReference> Framework = new MetadataReference[]
    {
        Net80.References.SystemRuntime, Net80.References.SystemCollections, Net80.References.SystemLinq,
        Net80.References.SystemConsole, Net80.References.MicrosoftCSharp, Net80.References.SystemLinqExpressions,
        Net80.References.SystemRuntimeExtensions, Net80.References.netstandard,
    };

    /// <summary>The compiled stub of <paramref name="version"/> (assembly TorchTrainer).</summary>
    public static byte[] Image(LibraryVersion version) => Images.GetOrAdd(version, Compile);

    /// <summary>A metadata reference to the compiled stub of <paramref name="version"/>.</summary>
    public static MetadataReference Reference(LibraryVersion version) =>
        References.GetOrAdd(version, v => MetadataReference.CreateFromImage(Image(v), filePath: "TorchTrainer.dll"));

    private static byte[] Compile(LibraryVersion version)
    {
        var symbols = version switch
        {
            LibraryVersion.V3 => new[] { "V3" },
            LibraryVersion.V4 => new[] { "MODERN", "LEGACY" },
            _ => new[] { "MODERN" },
        };
        var tree = CSharpSyntaxTree.ParseText(Source, new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: symbols));
        var compilation = CSharpCompilation.Create(
            "TorchTrainer",
            new[] { tree },
            Net80.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("The TorchTrainer stub does not compile: " + string.Join(Environment.NewLine, result.Diagnostics));
        }

        return stream.ToArray();
    }
}
