using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;

namespace TorchTrainer.Analyzers
{
    /// <summary>The standard metrics columns and the near-miss test of TRN0003.</summary>
    public static class StandardColumns
    {
        /// <summary>The columns every MetricsSummary may have, as the contract names them.</summary>
        public static readonly ImmutableArray<string> All = ImmutableArray.Create("epoch", "train/loss", "val/loss", "val/perplexity", "lr", "time/epoch_s");

        // Names other libraries and v3 scripts use for a standard column, compared after normalising.
        private static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["loss"] = "train/loss",
            ["losshistory"] = "train/loss",
            ["trainingloss"] = "train/loss",
            ["validationloss"] = "val/loss",
            ["validloss"] = "val/loss",
            ["vallosshistory"] = "val/loss",
            ["perplexity"] = "val/perplexity",
            ["valppl"] = "val/perplexity",
            ["learningrate"] = "lr",
            ["epochtime"] = "time/epoch_s",
            ["epochtimes"] = "time/epoch_s",
            ["timeepoch"] = "time/epoch_s",
        };

        private static readonly ImmutableArray<(string Column, string Normalized)> Normalized =
            All.Select(c => (c, Normalize(c))).ToImmutableArray();

        /// <summary>
        /// The standard column <paramref name="name"/> was most likely meant to be, or null when it is a
        /// standard column itself or not close to one (user-defined columns such as "accuracy" stay unflagged).
        /// </summary>
        public static string? SuggestFor(string name)
        {
            if (name.Length == 0 || name.Length > 64 || All.Contains(name))
            {
                return null;
            }

            var normalized = Normalize(name);
            if (normalized.Length == 0)
            {
                return null;
            }

            foreach (var (column, standard) in Normalized)
            {
                if (normalized == standard)
                {
                    return column; // "train_loss", "val-loss", "Train/Loss", "LR", "time/epoch-s"
                }
            }

            if (Aliases.TryGetValue(normalized, out var alias))
            {
                return alias;
            }

            // A typo: one edit away from a standard column, on names long enough for that to mean something,
            // and not a numbered variant ("val/loss2" is a user's column, not a typo).
            if (normalized.Length < 6 || normalized.Any(char.IsDigit))
            {
                return null;
            }

            string? match = null;
            foreach (var (column, standard) in Normalized)
            {
                if (standard.Length >= 6 && IsOneEditAway(normalized, standard))
                {
                    if (match is not null)
                    {
                        return null; // ambiguous
                    }

                    match = column;
                }
            }

            return match;
        }

        // Lower case, separators (/ _ - . space :) dropped.
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
                    return string.Empty; // other characters: not a column name we can judge
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
