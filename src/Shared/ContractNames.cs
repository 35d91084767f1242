// The names of the public contract (docs/contract.md), defined once. This file is compiled into the runtime
// (src/TorchTrainer) and into the analyzers (src/TorchTrainer.Analyzers), which must agree on every name: the
// analyzers look for these members and keys in the user's compilation, the runtime serves them. It targets what
// both compile with (netstandard2.0 for the analyzers): no newer API, no implicit usings.
// The runtime's public StandardColumns, ResultKeys and StrictLegacyApi read their constants from here.
using System;
using System.Collections.Generic;
using System.Text;

namespace TorchTrainer.Contract
{
    /// <summary>The assembly, namespace and types the analyzers look for.</summary>
    internal static class ContractTypes
    {
        public const string AssemblyName = "TorchTrainer";
        public const string Namespace = "TorchTrainer";
        public const string TrainingResults = "TrainingResults";
        public const string TrainingResultsMetadataName = Namespace + "." + TrainingResults;
        public const string MetricsSummaryMetadataName = Namespace + ".MetricsSummary";
        public const string EpochMetricsMetadataName = Namespace + ".EpochMetrics";
    }

    /// <summary>Members of TrainingResults and MetricsSummary that the rules and rewrites name.</summary>
    internal static class ContractMembers
    {
        public const string LossHistory = "LossHistory";
        public const string ValLossHistory = "ValLossHistory";
        public const string MetricsSummary = "MetricsSummary";
        public const string FinalLoss = "FinalLoss";
        public const string FinalValLoss = "FinalValLoss";
        public const string Perplexity = "Perplexity";
        public const string BestEpoch = "BestEpoch";
        public const string TrainLoss = "TrainLoss";
        public const string ValLoss = "ValLoss";
        public const string TryGetColumn = "TryGetColumn";
    }

    /// <summary>Strict legacy-API mode: the MSBuild property, the AppContext switch it becomes, the environment variable.</summary>
    internal static class StrictModeNames
    {
        public const string MSBuildProperty = "TorchTrainerStrictLegacyApi";
        public const string AnalyzerOption = "build_property." + MSBuildProperty;
        public const string AppContextSwitch = "TorchTrainer.StrictLegacyApi";
        public const string EnvironmentVariable = "TORCHTRAINER_STRICT_LEGACY_API";
    }

    /// <summary>The keys of the results' string-keyed view and of results.json.</summary>
    internal static class KeyNames
    {
        public const string MetricsSummary = "metrics_summary";
        public const string FinalLoss = "final_loss";
        public const string FinalValLoss = "final_val_loss";
        public const string Perplexity = "perplexity";
        public const string BestEpoch = "best_epoch";
        public const string TrainingTimeSeconds = "training_time_s";
        public const string BestCheckpoint = "best_checkpoint";
        public const string LossHistory = "loss_history";
        public const string ValLossHistory = "val_loss_history";

        /// <summary>Every key, modern first, then the legacy ones.</summary>
        public static readonly string[] All =
            { MetricsSummary, FinalLoss, FinalValLoss, Perplexity, BestEpoch, TrainingTimeSeconds, BestCheckpoint, LossHistory, ValLossHistory };

        /// <summary>The legacy keys (deprecated until v5.0).</summary>
        public static readonly string[] Deprecated = { LossHistory, ValLossHistory };

        /// <summary>Keys people reach for that were never valid, or were renamed, and the key they mean.</summary>
        public static readonly IReadOnlyDictionary<string, string> Renamed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["final_train_loss"] = FinalLoss,
            ["train_loss"] = FinalLoss,
            ["loss"] = FinalLoss,
            ["val_loss"] = FinalValLoss,
            ["final_validation_loss"] = FinalValLoss,
            ["best_checkpoint_path"] = BestCheckpoint,
            ["training_time"] = TrainingTimeSeconds,
            ["metrics"] = MetricsSummary,
            ["history"] = MetricsSummary,
        };
    }

    /// <summary>The standard metrics columns, and the near-miss test that TRN0003 and the runtime's "did you mean" share.</summary>
    internal static class ColumnNames
    {
        public const string Epoch = "epoch";
        public const string TrainLoss = "train/loss";
        public const string ValLoss = "val/loss";
        public const string ValPerplexity = "val/perplexity";
        public const string LearningRate = "lr";
        public const string EpochSeconds = "time/epoch_s";

        /// <summary>All standard columns, in the order a table lists them.</summary>
        public static readonly string[] All = { Epoch, TrainLoss, ValLoss, ValPerplexity, LearningRate, EpochSeconds };

        private static readonly string[] NormalizedAll = Array.ConvertAll(All, Normalize);

        // Names v3 scripts and other libraries use for a standard column, compared after normalising.
        private static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["loss"] = TrainLoss,
            ["losshistory"] = TrainLoss,
            ["trainingloss"] = TrainLoss,
            ["validationloss"] = ValLoss,
            ["validloss"] = ValLoss,
            ["vallosshistory"] = ValLoss,
            ["perplexity"] = ValPerplexity,
            ["valppl"] = ValPerplexity,
            ["learningrate"] = LearningRate,
            ["epochtime"] = EpochSeconds,
            ["epochtimes"] = EpochSeconds,
            ["timeepoch"] = EpochSeconds,
        };

        /// <summary>
        /// The standard column <paramref name="name"/> was most likely meant to be, or null when it is a standard
        /// column itself or not close to one (user-defined columns such as "accuracy" stay unflagged): the same
        /// name without case or separators ("train_loss", "val-loss", "LR"), a known alias ("loss", "perplexity"),
        /// or one typo away from a long enough name.
        /// </summary>
        public static string? SuggestFor(string name)
        {
            if (name.Length == 0 || name.Length > 64 || Array.IndexOf(All, name) >= 0)
            {
                return null;
            }

            var normalized = Normalize(name);
            if (normalized.Length == 0)
            {
                return null;
            }

            for (var i = 0; i < All.Length; i++)
            {
                if (normalized == NormalizedAll[i])
                {
                    return All[i]; // "train_loss", "val-loss", "Train/Loss", "LR", "time/epoch-s"
                }
            }

            if (Aliases.TryGetValue(normalized, out var alias))
            {
                return alias;
            }

            // A typo: one edit away from a standard column, on names long enough for that to mean something,
            // and not a numbered variant ("val/loss2" is a user's column, not a typo).
            if (normalized.Length < 6 || HasDigit(normalized))
            {
                return null;
            }

            string? match = null;
            for (var i = 0; i < All.Length; i++)
            {
                if (NormalizedAll[i].Length >= 6 && IsOneEditAway(normalized, NormalizedAll[i]))
                {
                    if (match is not null)
                    {
                        return null; // ambiguous
                    }

                    match = All[i];
                }
            }

            return match;
        }

        private static bool HasDigit(string text)
        {
            foreach (var c in text)
            {
                if (char.IsDigit(c))
                {
                    return true;
                }
            }

            return false;
        }

        // Lower case, separators (/ _ - . space :) dropped; empty for any other character (not a name we can judge).
        private static string Normalize(string name)
        {
            var builder = new StringBuilder(name.Length);
            foreach (var c in name)
            {
                if (char.IsLetterOrDigit(c))
                {
                    builder.Append(char.ToLowerInvariant(c));
                }
                else if (c != '/' && c != '_' && c != '-' && c != '.' && c != ' ' && c != ':')
                {
                    return string.Empty;
                }
            }

            return builder.ToString();
        }

        // Levenshtein distance 1, or one transposition of adjacent characters.
        private static bool IsOneEditAway(string a, string b)
        {
            if (a == b || Math.Abs(a.Length - b.Length) > 1)
            {
                return false;
            }

            var i = 0;
            while (i < a.Length && i < b.Length && a[i] == b[i])
            {
                i++;
            }

            if (a.Length == b.Length)
            {
                if (a.Substring(i + 1) == b.Substring(i + 1))
                {
                    return true; // substitution
                }

                return i + 1 < a.Length && a[i] == b[i + 1] && a[i + 1] == b[i] && a.Substring(i + 2) == b.Substring(i + 2);
            }

            return a.Length > b.Length ? a.Substring(i + 1) == b.Substring(i) : a.Substring(i) == b.Substring(i + 1);
        }
    }
}
