using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>A diagnostics-only test that runs every TorchTrainer analyzer together against a TorchTrainer built from the real runtime.</summary>
public sealed class AllAnalyzersTest : CSharpCodeFixTest<LegacyMemberAnalyzer, EmptyCodeFixProvider, DefaultVerifier>
{
    public AllAnalyzersTest(LibraryVersion? version = LibraryVersion.V4)
    {
        ReferenceAssemblies = new ReferenceAssemblies("net8.0");
        TestState.AdditionalReferences.AddRange(TorchTrainerLibrary.Framework);
        if (version is { } v)
        {
            TestState.AdditionalReferences.AddRange(TorchTrainerLibrary.LibraryReferences(v));
        }
    }

    /// <summary>Compile as a library (default) or as a program with top-level statements.</summary>
    public OutputKind OutputKind { get; init; } = OutputKind.DynamicallyLinkedLibrary;

    protected override CompilationOptions CreateCompilationOptions() =>
        base.CreateCompilationOptions().WithOutputKind(OutputKind);

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => RuleCatalog.Analyzers;
}
