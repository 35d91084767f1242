using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LegacyTraining;

/// <summary>
/// A character-level language model in the style of Bengio et al. (2003): embed the previous
/// characters, one hidden layer, logits over the alphabet for the next character.
/// </summary>
internal sealed class CharLanguageModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _embed;
    private readonly Linear _hidden;
    private readonly Linear _output;

    public CharLanguageModel(int alphabetSize, int context, int embedding = 24, int hidden = 192)
        : base(nameof(CharLanguageModel))
    {
        _embed = nn.Embedding(alphabetSize, embedding);
        _hidden = nn.Linear(context * embedding, hidden);
        _output = nn.Linear(hidden, alphabetSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // The trainer runs each step in a dispose scope, which frees these intermediates.
        var embedded = _embed.call(input).flatten(1);
        return _output.call(nn.functional.tanh(_hidden.call(embedded)));
    }
}
