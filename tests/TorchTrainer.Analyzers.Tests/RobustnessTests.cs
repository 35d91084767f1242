using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>
/// The analyzers and fixes never throw, whatever half-typed code they see: every test source is cut at many
/// points and has random tokens deleted or duplicated (seeded), then analyzed, and every fix offered is computed.
/// </summary>
public class RobustnessTests
{
    private const int Seed = 20240611;

    [Fact]
    public async Task Analyzers_and_fixes_never_throw_on_broken_code()
    {
        var sources = Corpus().ToList();
        Assert.True(sources.Count >= 50, $"corpus has only {sources.Count} sources");
        var random = new Random(Seed);
        var variants = new List<(string Text, LibraryVersion Version)>();
        foreach (var source in sources)
        {
            foreach (var variant in Mutate(source, random, count: 20))
            {
                // Most on v4 (all three analyzers), some on v5 (the CS1061 / CS0117 fixes).
                variants.Add((variant, random.Next(4) == 0 ? LibraryVersion.V5 : LibraryVersion.V4));
            }
        }

        Assert.True(variants.Count >= 2000, $"only {variants.Count} variants");
        using var workspace = new AdhocWorkspace();
        var documents = new Dictionary<LibraryVersion, Document>
        {
            [LibraryVersion.V4] = Fixing.CreateDocument(workspace, "", LibraryVersion.V4),
            [LibraryVersion.V5] = Fixing.CreateDocument(workspace, "", LibraryVersion.V5),
        };

        var fixesComputed = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(variants, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (variant, _) =>
        {
            var (text, version) = variant;
            var document = documents[version].WithText(SourceText.From(text));
            try
            {
                var diagnostics = (await Fixing.AnalyzeAsync(document)).ToList();
                if (version == LibraryVersion.V5)
                {
                    diagnostics.AddRange((await document.GetSemanticModelAsync())!.GetDiagnostics().Where(d => d.Id is "CS1061" or "CS0117"));
                }

                foreach (var diagnostic in diagnostics)
                {
                    foreach (var action in await Fixing.GetFixesAsync(document, diagnostic))
                    {
                        var fixedDocument = await Fixing.ApplyAsync(document, action);
                        Assert.NotNull(await fixedDocument.GetTextAsync());
                        Interlocked.Increment(ref fixesComputed);
                    }
                }
            }
            catch (Exception exception)
            {
                failures.Add($"{exception.GetType().Name} on this {version} source:\n{text}\n\n{exception}");
            }
        });

        Assert.True(failures.IsEmpty, failures.FirstOrDefault());
        Assert.True(fixesComputed > 500, $"only {fixesComputed} fixes computed: the mutations broke too much");
    }

    // Every source of the rule tests: the theories' code put into their class's template, and the whole programs.
    private static IEnumerable<string> Corpus()
    {
        var markup = new Regex(@"\{\|[^:|{}]*:|\|\}|\[\||\|\]", RegexOptions.Compiled);
        yield return BehaviourTests.LegacyProgram;
        foreach (var type in typeof(RobustnessTests).Assembly.GetTypes())
        {
            var template = type.GetMethod("Method", BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(string) });
            foreach (var method in type.GetMethods())
            {
                foreach (var data in method.GetCustomAttributes<InlineDataAttribute>())
                {
                    foreach (var row in data.GetData(method))
                    {
                        if (row.Length > 0 && row[0] is string code && template is not null)
                        {
                            yield return markup.Replace((string)template.Invoke(null, new object[] { code })!, "");
                        }
                    }
                }
            }

            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                         .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.Contains("Source", StringComparison.Ordinal)))
            {
                yield return markup.Replace((string)field.GetRawConstantValue()!, "");
            }
        }
    }

    // Cuts at token boundaries and inside tokens, deleted tokens and duplicated tokens.
    private static IEnumerable<string> Mutate(string source, Random random, int count)
    {
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        yield return source;
        for (var i = 0; i < count; i++)
        {
            var token = tokens[random.Next(tokens.Count)];
            switch (i % 4)
            {
                case 0:
                    yield return source[..token.Span.End];
                    break;
                case 1:
                    yield return source[..(token.SpanStart + random.Next(token.Span.Length + 1))];
                    break;
                case 2:
                    yield return source.Remove(token.SpanStart, token.Span.Length);
                    break;
                default:
                    yield return source.Insert(token.SpanStart, token.Text + " ");
                    break;
            }
        }
    }
}
