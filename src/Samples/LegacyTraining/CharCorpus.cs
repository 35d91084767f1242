using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace LegacyTraining;

/// <summary>
/// A small English-like corpus generated deterministically from a seed, so the sample needs no
/// download and every run sees the same text, and its encoding as (context, next character) pairs.
/// </summary>
internal sealed class CharCorpus
{
    private static readonly string[] Subjects = ["the model", "a small network", "the trainer", "our team", "the optimizer", "each epoch", "the notebook", "a careful engineer", "the report", "the loss"];
    private static readonly string[] Verbs = ["learns", "prints", "saves", "reads", "lowers", "checks", "trains", "writes", "measures", "repeats"];
    private static readonly string[] Objects = ["the weights", "a checkpoint", "every batch", "the final metrics", "the validation data", "a loss curve", "the results file", "its history", "the gradients", "the learning rate"];
    private static readonly string[] Endings = [" today", " again", " slowly", " with care", " before lunch", " every night", "", "", "", ""];
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "no", "dri", "pa", "zor", "e", "an", "qui", "bo"];

    private CharCorpus(string text)
    {
        Text = text;
        Alphabet = text.Distinct().Order().ToArray();
    }

    /// <summary>The generated text.</summary>
    public string Text { get; }

    /// <summary>The distinct characters, in code order; a character's index is its token id.</summary>
    public char[] Alphabet { get; }

    /// <summary>Generates about <paramref name="characters"/> characters of sentences.</summary>
    public static CharCorpus Generate(int characters, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(characters + 64);
        while (text.Length < characters)
        {
            text.Append(Subjects[random.Next(Subjects.Length)]).Append(' ')
                .Append(Verbs[random.Next(Verbs.Length)]).Append(' ')
                .Append(Objects[random.Next(Objects.Length)])
                .Append(Endings[random.Next(Endings.Length)])
                .Append(random.Next(3) == 0 ? " near " + Name(random) : "")
                .Append(random.Next(4) == 0 ? ". " : ", ");
        }

        return new CharCorpus(text.ToString());
    }

    // A made-up proper name: the part of the text no model can memorise, so the loss stays honest.
    private static string Name(Random random) =>
        string.Concat(Enumerable.Range(0, 2 + random.Next(2)).Select(_ => Syllables[random.Next(Syllables.Length)]));

    /// <summary>
    /// Every window of <paramref name="context"/> characters as input ([N, context] token ids) and
    /// the character that follows it as target ([N]).
    /// </summary>
    public (Tensor Inputs, Tensor Targets) Windows(int context)
    {
        var ids = Text.Select(c => (long)Array.BinarySearch(Alphabet, c)).ToArray();
        var count = ids.Length - context;
        var inputs = new long[count * context];
        var targets = new long[count];
        for (var i = 0; i < count; i++)
        {
            Array.Copy(ids, i, inputs, i * context, context);
            targets[i] = ids[i + context];
        }

        return (tensor(inputs, [count, context]), tensor(targets));
    }
}
