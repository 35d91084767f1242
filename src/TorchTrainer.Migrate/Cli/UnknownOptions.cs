using System.CommandLine;

namespace TorchTrainer.Migrate.Cli;

/// <summary>
/// Tokens that look like options but are none of the command's. The PATH argument takes any number of tokens, so
/// System.CommandLine hands a mistyped option (<c>--chek</c>) to it as a path instead of reporting it as unmatched;
/// this names it as the unknown option it is, with the closest option names.
/// </summary>
internal static class UnknownOptions
{
    public static IEnumerable<string> Find(Command command, IEnumerable<string> paths, string currentDirectory)
    {
        var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith('-')).Distinct(StringComparer.Ordinal).ToList();
        foreach (var token in paths)
        {
            // A file or folder whose name starts with '-' is still a path.
            var full = Path.GetFullPath(Path.Combine(currentDirectory, token));
            if (!token.StartsWith('-') || token == "-" || File.Exists(full) || Directory.Exists(full))
            {
                continue;
            }

            var suggestions = Suggest(token, names);
            yield return suggestions.Count == 0
                ? $"unknown option '{token}'"
                : $"unknown option '{token}'. Did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?";
        }
    }

    private static List<string> Suggest(string token, List<string> names)
    {
        var name = token.Split('=', ':')[0];
        var scored = names.Select(n => (Name: n, Distance: Distance(name, n))).Where(s => s.Distance <= Math.Max(1, s.Name.Length / 3)).ToList();
        return scored.Count == 0 ? [] : scored.Where(s => s.Distance == scored.Min(m => m.Distance)).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
