namespace TorchTrainer.Migrate.Conversion;

/// <summary>
/// The code a converted app carries in place of the kernel's display machinery: <c>display(x)</c> and
/// <c>x.Display()</c> write the value to standard output as the kernel's plain text shows it (measured against
/// Microsoft.dotnet-interactive 1.0.712001): a number, bool, char, date or time span in the invariant culture
/// ("1.5", "1E-07", "True", "1970-01-01 00:00:00Z"), a string as it is, null as "&lt;null&gt;", a sequence as
/// "[ 1.5, 2.25 ]" (its items in the current culture, as the kernel writes them). What the kernel renders richly
/// (objects and dictionaries as HTML tables) is written as its <c>ToString()</c>; a ScottPlot plot is saved as a
/// PNG next to the app and its path written; a TorchSharp tensor is written with its values.
/// </summary>
internal static class DisplaySupport
{
    public const string ClassName = "NotebookDisplay";

    /// <summary>The helper class, placed after the app's statements; <paramref name="scottPlot"/> adds the plot overload.</summary>
    public static string Source(bool scottPlot, bool torchSharp)
    {
        var tensor = torchSharp ? """


                /// <summary>A tensor: its values, as the notebooks' TorchSharp formatter showed them, not its type and shape only.</summary>
                /// <remarks>Generic, so a number (which converts to a Tensor implicitly) still takes display(object).</remarks>
                public static void display<T>(T tensor) where T : TorchSharp.torch.Tensor => Console.WriteLine(tensor.ToString(TorchSharp.TensorStringStyle.Default));

                public static void Display(this TorchSharp.torch.Tensor tensor) => display(tensor);
            """ : "";
        var plot = scottPlot ? """


                /// <summary>A plot, which the notebook drew inline: saved as plot-N.png next to this app.</summary>
                public static void display(ScottPlot.Plot plot)
                {
                    var folder = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? Environment.CurrentDirectory;
                    var path = System.IO.Path.Combine(folder, $"plot-{++plots}.png");
                    plot.SavePng(path, 800, 500);
                    Console.WriteLine($"Plot: {path}");
                }

                public static void Display(this ScottPlot.Plot plot) => display(plot);

                private static int plots;
            """ : "";
        return $$"""
            /// <summary>
            /// What the notebook kernel displayed by itself (a cell's last expression, display(x), x.Display()), written to the
            /// console by trainer-migrate --to-file-based: plain values as the kernel's plain text; tables and HTML as ToString().
            /// </summary>
            static class {{ClassName}}
            {
                public static void display(object value) => Console.WriteLine(Format(value));

                public static void Display(this object value) => display(value);{{tensor}}{{plot}}

                private static string Format(object value) => value switch
                {
                    null => "<null>",
                    string text => text,
                    DateTime time => time.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                    IEnumerable items => "[ " + string.Join(", ", items.Cast<object>().Select(i => i?.ToString() ?? "<null>")) + " ]",
                    _ => value.ToString(),
                };
            }
            """;
    }
}
