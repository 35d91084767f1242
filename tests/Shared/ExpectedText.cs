namespace TorchTrainer.TestSupport;

/// <summary>
/// Expected texts built from a test's input by edits the test writes out. Each edit must match exactly as often as
/// the test says, so an expectation cannot silently equal the input when the input changes.
/// </summary>
internal static class ExpectedText
{
    /// <summary><paramref name="text"/> with the one occurrence of <paramref name="old"/> replaced; fails unless there is exactly one.</summary>
    public static string ReplaceOnce(this string text, string old, string replacement) => text.ReplaceExactly(1, old, replacement);

    /// <summary><paramref name="text"/> with every occurrence of <paramref name="old"/> replaced; fails unless there are <paramref name="count"/>.</summary>
    public static string ReplaceExactly(this string text, int count, string old, string replacement)
    {
        var found = 0;
        for (var at = text.IndexOf(old, StringComparison.Ordinal); at >= 0; at = text.IndexOf(old, at + old.Length, StringComparison.Ordinal))
        {
            found++;
        }

        Assert.True(found == count, $"expected {count} occurrence(s) of «{old}» in the test input, found {found}");
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }
}
