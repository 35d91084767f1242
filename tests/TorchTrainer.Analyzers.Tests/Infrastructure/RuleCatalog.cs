using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using TorchTrainer.Analyzers.CodeFixes;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>
/// Every analyzer and code fix that ships, found by reflection the way the compiler and trainer-migrate find them
/// (a new rule is tested without being added to a list here).
/// </summary>
public static class RuleCatalog
{
    /// <summary>Every C# <c>[DiagnosticAnalyzer]</c> of TorchTrainer.Analyzers.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } =
        [.. Instances<DiagnosticAnalyzer>(typeof(TorchTrainerAnalyzer).Assembly, t => t.GetCustomAttribute<DiagnosticAnalyzerAttribute>()?.Languages.Contains(LanguageNames.CSharp) == true)];

    /// <summary>Every C# <c>[ExportCodeFixProvider]</c> of TorchTrainer.Analyzers.CodeFixes.</summary>
    public static ImmutableArray<CodeFixProvider> Fixers { get; } =
        [.. Instances<CodeFixProvider>(typeof(TextEditFixer).Assembly, t => t.GetCustomAttribute<ExportCodeFixProviderAttribute>()?.Languages.Contains(LanguageNames.CSharp) == true)];

    private static IEnumerable<T> Instances<T>(Assembly assembly, Func<Type, bool> exported) =>
        assembly.GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && !t.IsAbstract && exported(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (T)Activator.CreateInstance(t)!);
}
