using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Versioning;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>Which TorchTrainer the code under test references.</summary>
public enum LibraryVersion
{
    /// <summary>v3.x: the results with LossHistory / ValLossHistory and the string-keyed view, no modern API.</summary>
    V3,

    /// <summary>v4.x: the real runtime this test project references (the modern API plus the runtime shim).</summary>
    V4,

    /// <summary>v5.0: the modern API only; legacy code gets CS1061.</summary>
    V5,
}

/// <summary>
/// The TorchTrainer the code under test compiles against, always made from the real runtime: v4 is its assembly
/// (which programs also run against, in this process); v3 and v5 are its own sources with the members those
/// versions lack taken out, compiled to metadata only (no hand-written copy of the API to fall out of step).
/// </summary>
public static class TorchTrainerLibrary
{

    /// <summary>The real runtime assembly, loaded in this process.</summary>
    public static Assembly Runtime { get; } = typeof(TrainingResults).Assembly;

    /// <summary>
    /// The framework reference assemblies test code compiles against: the few it uses rather than all 160 (every
    /// compilation binds every reference; the full set made the suite several times slower). net10, see <see cref="FrameworkOf"/>.
    /// </summary>
    public static IReadOnlyList<MetadataReference> Framework { get; } =
    [
        Net100.References.SystemRuntime, Net100.References.SystemCollections, Net100.References.SystemLinq,
        Net100.References.SystemConsole, Net100.References.MicrosoftCSharp, Net100.References.SystemLinqExpressions,
        Net100.References.SystemRuntimeExtensions, Net100.References.netstandard, Net100.References.SystemComponentModelPrimitives,
    ];

    // The assemblies the runtime's public signatures name (TorchSharp, logging), from this test's output.
    private static readonly MetadataReference[] Dependencies = Runtime.GetReferencedAssemblies()
        .Select(name => Path.Combine(AppContext.BaseDirectory, name.Name + ".dll"))
        .Where(File.Exists)
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToArray();

    private static readonly ConcurrentDictionary<LibraryVersion, Lazy<MetadataReference>> Libraries = new();

    /// <summary>The TorchTrainer assembly of <paramref name="version"/>, as a reference.</summary>
    public static MetadataReference Reference(LibraryVersion version) =>
        Libraries.GetOrAdd(version, v => new Lazy<MetadataReference>(() => v == LibraryVersion.V4
            ? MetadataReference.CreateFromFile(Runtime.Location)
            : Derive(v))).Value;

    /// <summary>Everything test code needs to compile against <paramref name="version"/>.</summary>
    public static IReadOnlyList<MetadataReference> References(LibraryVersion version) =>
        [.. Framework, .. Dependencies, Reference(version)];

    /// <summary>The references besides the framework (the library and its dependencies), for the testing library's AdditionalReferences.</summary>
    public static IReadOnlyList<MetadataReference> LibraryReferences(LibraryVersion version) => [.. Dependencies, Reference(version)];

    // net10: the runtime may target net8, but the copies of its dependencies beside this net10 test are their net10
    // builds, which need net10 reference assemblies (older ones give CS1705).
    private static IReadOnlyList<MetadataReference> FrameworkOf(Assembly runtime)
    {
        var framework = runtime.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
        return framework is ".NETCoreApp,Version=v8.0" or ".NETCoreApp,Version=v10.0"
            ? Net100.References.All
            : throw new InvalidOperationException($"TorchTrainer targets {framework}: check that net10 reference assemblies still cover it.");
    }

    // The runtime's sources without the members version v lacks, compiled to metadata (method bodies are not compiled).
    private static MetadataReference Derive(LibraryVersion version)
    {
        string[] removed = version == LibraryVersion.V5
            ? ["LossHistory", "ValLossHistory"]
            : ["MetricsSummary", "FinalLoss", "FinalValLoss", "Perplexity", "BestEpoch"];
        var source = Path.Combine(Repository.Root, "src", "TorchTrainer");
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(Repository.Root, "src", "Shared", "ContractNames.cs"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, f))
            .Select(t => t.WithRootAndOptions(new RemoveResultsMembers(removed).Visit(t.GetRoot()), options))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, options))
            .ToList();
        var compilation = CSharpCompilation.Create(
            "TorchTrainer",
            trees,
            [.. FrameworkOf(Runtime), .. Dependencies],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(metadataOnly: true));
        if (!result.Success)
        {
            throw new InvalidOperationException($"TorchTrainer {version} (the runtime's sources without {string.Join(", ", removed)}) does not compile: "
                + string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        }

        return MetadataReference.CreateFromImage(stream.ToArray(), filePath: "TorchTrainer.dll");
    }

    // What the SDK's ImplicitUsings gives a C# project (the runtime; the sample, where Directory.Build.props turns them on).
    internal const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // Takes the members out of TrainingResults, and the declarations source generators implement ([GeneratedRegex]),
    // which are private and, bodies not being compiled, never missed.
    private sealed class RemoveResultsMembers(string[] names) : CSharpSyntaxRewriter
    {
        public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node) =>
            node.Parent is ClassDeclarationSyntax { Identifier.ValueText: "TrainingResults" } && names.Contains(node.Identifier.ValueText) ? null : node;

        public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node) =>
            node.Modifiers.Any(SyntaxKind.PartialKeyword) && node.Body is null && node.ExpressionBody is null ? null : node;
    }
}
