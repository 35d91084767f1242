using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>
/// An analyzer + code fix test against a TorchTrainer made from the real runtime (<see cref="TorchTrainerLibrary"/>),
/// offline: the framework's reference assemblies come from Basic.Reference.Assemblies, not from a package download. Checks diagnostics (span, message,
/// severity), the fixed code, and Fix All in document, project and solution scope.
/// </summary>
public sealed class Test<TAnalyzer, TFixer> : CSharpCodeFixTest<TAnalyzer, TFixer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TFixer : CodeFixProvider, new()
{
    public Test(LibraryVersion version = LibraryVersion.V4)
    {
        ReferenceAssemblies = new ReferenceAssemblies("net8.0");
        TestState.AdditionalReferences.AddRange(TorchTrainerLibrary.Framework);
        TestState.AdditionalReferences.AddRange(TorchTrainerLibrary.LibraryReferences(version));
    }

    /// <summary>The C# version the test sources are parsed with.</summary>
    public LanguageVersion LanguageVersion { get; init; } = LanguageVersion.Latest;

    /// <summary>Compile as a program with top-level statements rather than as a library.</summary>
    public bool TopLevelProgram { get; init; }

    /// <summary>Turns on strict mode the way the package's props file does (a build property visible to analyzers).</summary>
    public bool Strict
    {
        init
        {
            if (value)
            {
                TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.TorchTrainerStrictLegacyApi = true\n"));
            }
        }
    }

    protected override ParseOptions CreateParseOptions() =>
        ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);

    protected override CompilationOptions CreateCompilationOptions()
    {
        var options = (CSharpCompilationOptions)base.CreateCompilationOptions();
        return options.WithOutputKind(TopLevelProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable);
    }
}

/// <summary>Shorthands for the tests of one analyzer and its fix.</summary>
public static class Verify<TAnalyzer, TFixer>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TFixer : CodeFixProvider, new()
{
    /// <summary>An expected diagnostic of <paramref name="descriptor"/> at markup location {|#index:…|}.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor, int index, params object[] arguments) =>
        new DiagnosticResult(descriptor).WithLocation(index).WithArguments(arguments).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    /// <summary>Checks the diagnostics of <paramref name="source"/> and that the fix turns it into <paramref name="fixedSource"/> (also by Fix All).</summary>
    public static Task FixAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
        FixAsync(LibraryVersion.V4, source, fixedSource, expected);

    public static Task FixAsync(LibraryVersion version, string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new Test<TAnalyzer, TFixer>(version) { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Checks that <paramref name="source"/> has exactly the diagnostics in its markup and <paramref name="expected"/>.</summary>
    public static Task DiagnosticsAsync(string source, params DiagnosticResult[] expected) =>
        DiagnosticsAsync(LibraryVersion.V4, source, expected);

    public static Task DiagnosticsAsync(LibraryVersion version, string source, params DiagnosticResult[] expected)
    {
        var test = new Test<TAnalyzer, TFixer>(version) { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
