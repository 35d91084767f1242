using System.Text;

namespace TorchTrainer.Migrate.Tests;

public sealed class NotebookTests
{
    // A Polyglot notebook as VS Code / Jupyter write it: markdown, C# cells (by metadata, by magic, by default
    // kernel), F# and PowerShell cells that mention LossHistory too, magics, #r lines and outputs.
    internal const string MixedNotebook = """
        {
         "cells": [
          {
           "cell_type": "markdown",
           "metadata": {},
           "source": [
            "# Training report\n",
            "We print `res.LossHistory` below — ünïcode stays."
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 1,
           "metadata": {
            "polyglot_notebook": {
             "kernelName": "csharp"
            }
           },
           "outputs": [],
           "source": [
            "public sealed class MetricsSummary { public System.Collections.Generic.IReadOnlyList<double> TrainLoss { get; } = new double[] { 2.5, 2.0 }; }\n",
            "public sealed class TrainingResults { public MetricsSummary MetricsSummary { get; } = new MetricsSummary(); public System.Collections.Generic.IReadOnlyList<double> LossHistory => MetricsSummary.TrainLoss; }"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 2,
           "metadata": {
            "dotnet_interactive": {
             "language": "csharp"
            }
           },
           "outputs": [
            {
             "name": "stdout",
             "output_type": "stream",
             "text": [
              "LossHistory: 2\n"
             ]
            }
           ],
           "source": [
            "#!time\n",
            "#r \"nuget: System.CommandLine, 2.0.0\"\n",
            "var r = new TrainingResults();\n",
            "Console.WriteLine(\"LossHistory: \" + r.LossHistory.Count); // \"quoted\" \\ \t tab\n",
            "var last = r.LossHistory[^1];"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 3,
           "metadata": {
            "polyglot_notebook": {
             "kernelName": "fsharp"
            }
           },
           "outputs": [],
           "source": [
            "let fsharpSide = res.LossHistory |> Seq.last"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 4,
           "metadata": {},
           "outputs": [],
           "source": [
            "#!pwsh\n",
            "Write-Host $res.LossHistory"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 5,
           "metadata": {},
           "outputs": [],
           "source": "var again = r.LossHistory;"
          }
         ],
         "metadata": {
          "kernelspec": {
           "display_name": ".NET (C#)",
           "language": "C#",
           "name": ".net-csharp"
          },
          "polyglot_notebook": {
           "kernelInfo": {
            "defaultKernelName": "csharp",
            "items": [
             {
              "aliases": [],
              "name": "csharp"
             }
            ]
           }
          }
         },
         "nbformat": 4,
         "nbformat_minor": 2
        }

        """;

    internal static string Migrated(string notebook) =>
        notebook.Replace("r.LossHistory", "r.MetricsSummary.TrainLoss", StringComparison.Ordinal);

    [Fact]
    public async Task Ipynb_with_mixed_languages_and_outputs_changes_only_the_CSharp_cells()
    {
        using var dir = new TempDir();
        dir.Write("train.ipynb", MixedNotebook);

        var run = await Tool.RunAsync(dir.Path, "train.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Migrated(MixedNotebook), dir.Text("train.ipynb"));
        Assert.Contains("res.LossHistory |> Seq.last", dir.Text("train.ipynb"));    // F# cell untouched
        Assert.Contains("Write-Host $res.LossHistory", dir.Text("train.ipynb"));    // pwsh cell untouched
        Assert.Contains("1 of 1 input(s) analysed completely", run.Output);          // the #r nuget restored
    }

    [Fact]
    public async Task Ipynb_with_CRLF_and_BOM_keeps_both()
    {
        using var dir = new TempDir();
        var crlf = MixedNotebook.Replace("\n", "\r\n", StringComparison.Ordinal);
        dir.Write("train.ipynb", crlf, bom: true);

        var run = await Tool.RunAsync(dir.Path, "train.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Migrated(crlf))).ToArray();
        Assert.Equal(expected, dir.Bytes("train.ipynb"));
    }

    [Fact]
    public async Task Ipynb_keeps_its_escaping_style_and_new_lines_of_changed_arrays()
    {
        // ensure_ascii style (\u00e9) and a C# cell by default kernel whose source grows by one line.
        const string notebook = """
            {
             "cells": [
              {
               "cell_type": "code",
               "metadata": {},
               "outputs": [],
               "source": [
                "public sealed class MetricsSummary { public int[] TrainLoss { get; } = new int[0]; }\n",
                "public sealed class TrainingResults { public MetricsSummary MetricsSummary { get; } = new MetricsSummary(); public int[] LossHistory => MetricsSummary.TrainLoss; }\n",
                "var r = new TrainingResults();\n",
                "var s = \"caf\u00e9\" + r.LossHistory.Length;"
               ]
              }
             ],
             "metadata": {
              "kernelspec": {
               "language": "C#",
               "name": ".net-csharp"
              }
             },
             "nbformat": 4,
             "nbformat_minor": 5
            }
            """;
        using var dir = new TempDir();
        dir.Write("a.ipynb", notebook);

        var run = await Tool.RunAsync(dir.Path, "a.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Migrated(notebook), dir.Text("a.ipynb"));
    }

    [Fact]
    public async Task Python_notebook_is_skipped_and_unchanged()
    {
        const string notebook = """
            {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["r.LossHistory"]}],
             "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
            """;
        using var dir = new TempDir();
        dir.Write("py.ipynb", notebook);

        var run = await Tool.RunAsync(dir.Path, "py.ipynb");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(notebook, dir.Text("py.ipynb"));
        Assert.Contains("no C# cells", run.Output);
    }

    internal const string Dib = """
        #!meta

        {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

        #!markdown

        # Report: r.LossHistory in prose stays

        #!csharp

        public sealed class MetricsSummary { public int[] TrainLoss { get; } = new int[0]; }
        public sealed class TrainingResults { public MetricsSummary MetricsSummary { get; } = new MetricsSummary(); public int[] LossHistory => MetricsSummary.TrainLoss; }

        #!pwsh

        Write-Host $r.LossHistory

        #!csharp

        #!time
        var r = new TrainingResults();
        Console.WriteLine(r.LossHistory.Length);

        """;

    [Fact]
    public async Task Dib_changes_only_CSharp_sections()
    {
        using var dir = new TempDir();
        dir.Write("train.dib", Dib);

        var run = await Tool.RunAsync(dir.Path, "train.dib");

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = Dib.Replace("Console.WriteLine(r.LossHistory.Length)", "Console.WriteLine(r.MetricsSummary.TrainLoss.Length)", StringComparison.Ordinal);
        Assert.Equal(expected, dir.Text("train.dib"));
    }

    [Fact]
    public async Task Malformed_notebook_exits_2_names_the_file_and_writes_nothing()
    {
        using var dir = new TempDir();
        dir.Write("good.ipynb", MixedNotebook);
        dir.Write("bad.ipynb", "{ \"cells\": [ { \"cell_type\": \"code\", ");

        var run = await Tool.RunAsync(dir.Path, ".");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("bad.ipynb", run.Error);
        Assert.Contains("malformed notebook JSON", run.Error);
        Assert.Equal(MixedNotebook, dir.Text("good.ipynb"));
    }
}
