using System.Text.Json;

namespace TorchTrainer;

/// <summary>The JSON values results.json is made of (numbers, lists, strings, objects), each read or refused with a <see cref="ResultsFormatException"/> naming where.</summary>
internal static partial class ResultsJsonReader
{
    private readonly partial struct Reader
    {
        public double[] ReadNumberList(JsonElement element, string at)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                throw Error($"expected an array of numbers (one per epoch), but it is {Describe(element)}", at);
            }

            var values = new double[element.GetArrayLength()];
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                values[i] = ReadNumber(item, $"{at}[{i}]", "the list");
                i++;
            }

            return values;
        }

        /// <summary>A cell: a number, null (NaN), or one of the strings "NaN", "Infinity", "-Infinity".</summary>
        private double ReadNumber(JsonElement cell, string at, string where)
        {
            switch (cell.ValueKind)
            {
                case JsonValueKind.Null:
                    return double.NaN;
                case JsonValueKind.Number when cell.TryGetDouble(out var value) && double.IsFinite(value):
                    return value;
                case JsonValueKind.Number:
                    throw Error($"the number {Shorten(cell.GetRawText())} in {where} is outside the range of a double", at);
                case JsonValueKind.String:
                    switch (Text(cell, at))
                    {
                        case ResultsSchema.PositiveInfinity: return double.PositiveInfinity;
                        case ResultsSchema.NegativeInfinity: return double.NegativeInfinity;
                        case ResultsSchema.NotANumber: return double.NaN;
                    }

                    break;
            }

            throw Error($"expected a number or null in {where}, but found {Describe(cell)}", at);
        }

        /// <summary>The members of an object, refusing duplicated keys (JSON parsers disagree on which one wins).</summary>
        private Dictionary<string, JsonElement> Properties(JsonElement element, string at, string expectation)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error($"{expectation}, but this is {Describe(element)}", at);
            }

            var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                string name;
                try
                {
                    name = property.Name;
                }
                catch (InvalidOperationException ex)
                {
                    throw Error($"a key is not valid text: {InvalidText}", at, ex);
                }

                if (!properties.TryAdd(name, property.Value))
                {
                    throw Error($"the key '{name}' appears twice", at);
                }
            }

            return properties;
        }

        private const string InvalidText = "it holds a lone UTF-16 surrogate escape (such as \\ud800 without its pair), which is not valid Unicode";

        /// <summary>A JSON string's text; an escaped lone surrogate, which System.Text.Json refuses to decode (InvalidOperationException), is a format error here.</summary>
        private string Text(JsonElement element, string at)
        {
            try
            {
                return element.GetString()!;
            }
            catch (InvalidOperationException ex)
            {
                throw Error($"the string {Shorten(element.GetRawText())} is not valid text: {InvalidText}", at, ex);
            }
        }

        private JsonElement Required(Dictionary<string, JsonElement> properties, string key, string at) =>
            properties.TryGetValue(key, out var value)
                ? value
                : throw Error($"the required key '{key}' is missing", at);

        private static string Raw(JsonElement e) => Shorten(e.GetRawText());

        private static string Join(string[] names) => string.Join(", ", names);
    }
}
