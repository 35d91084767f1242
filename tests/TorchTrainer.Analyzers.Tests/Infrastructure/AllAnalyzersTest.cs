using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>A diagnostics-only test that runs all three TorchTrainer analyzers together against a stub.</summary>
public sealed class AllAnalyzersTest : CSharpCodeFixTest<LegacyMemberAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
{
    public AllAnalyzersTest(LibraryVersion? version = LibraryVersion.V4)
    {
        ReferenceAssemblies = new ReferenceAssemblies("net8.0");
        TestState.AdditionalReferences.AddRange(TorchTrainerStubs.Framework);
        if (version is { } v)
        {
            TestState.AdditionalReferences.Add(TorchTrainerStubs.Reference(v));
        }
    }

    /// <summary>Compile as a library (default) or as a program with top-level statements.</summary>
    public OutputKind OutputKind { get; init; } = OutputKind.DynamicallyLinkedLibrary;

    protected override CompilationOptions CreateCompilationOptions() =>
        base.CreateCompilationOptions().WithOutputKind(OutputKind);

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
        new DiagnosticAnalyzer[] { new LegacyMemberAnalyzer(), new LegacyKeyAnalyzer(), new NearMissColumnAnalyzer() };
}
