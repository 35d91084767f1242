using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TorchTrainer.Migrate.Fixing;

/// <summary>The analyzers and code fixes the tool runs; by default those of the TorchTrainer package.</summary>
internal sealed class AnalyzerSet
{
    public const string AnalyzersAssemblyName = "TorchTrainer.Analyzers";
    public const string CodeFixesAssemblyName = "TorchTrainer.Analyzers.CodeFixes";

    public AnalyzerSet(IEnumerable<DiagnosticAnalyzer> analyzers, IEnumerable<CodeFixProvider> fixers, string source)
    {
        Analyzers = [.. analyzers];
        Fixers = [.. fixers];
        Source = source;
        Descriptors = Analyzers.SelectMany(a => a.SupportedDiagnostics)
            .GroupBy(d => d.Id, StringComparer.OrdinalIgnoreCase)
            .ToImmutableDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }
    public ImmutableArray<CodeFixProvider> Fixers { get; }
    public string Source { get; }

    /// <summary>Every diagnostic ID an analyzer reports, with its descriptor.</summary>
    public ImmutableDictionary<string, DiagnosticDescriptor> Descriptors { get; }

    /// <summary>The analyzers and fixers of the assemblies that ship in the TorchTrainer package, found by reflection.</summary>
    public static AnalyzerSet LoadDefault()
    {
        var assemblies = new List<Assembly>();
        var missing = new List<string>();
        foreach (var name in new[] { AnalyzersAssemblyName, CodeFixesAssemblyName })
        {
            try
            {
                assemblies.Add(Assembly.Load(new AssemblyName(name)));
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                missing.Add(name);
            }
        }

        var set = FromAssemblies(assemblies);
        return missing.Count == 0 ? set : new AnalyzerSet(set.Analyzers, set.Fixers, set.Source + $" (not found: {string.Join(", ", missing)})");
    }

    public static AnalyzerSet FromAssemblies(IEnumerable<Assembly> assemblies)
    {
        var analyzers = new List<DiagnosticAnalyzer>();
        var fixers = new List<CodeFixProvider>();
        var names = new List<string>();
        foreach (var assembly in assemblies)
        {
            names.Add($"{assembly.GetName().Name} {assembly.GetName().Version}");
            foreach (var type in LoadableTypes(assembly))
            {
                if (type.IsAbstract || type.IsGenericTypeDefinition || type.GetConstructor(Type.EmptyTypes) is null)
                {
                    continue;
                }

                if (typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                    && type.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
                {
                    analyzers.Add((DiagnosticAnalyzer)Activator.CreateInstance(type)!);
                }
                else if (typeof(CodeFixProvider).IsAssignableFrom(type)
                    && type.GetCustomAttributes<ExportCodeFixProviderAttribute>().Any(a => a.Languages.Contains(LanguageNames.CSharp)))
                {
                    fixers.Add((CodeFixProvider)Activator.CreateInstance(type)!);
                }
            }
        }

        return new AnalyzerSet(analyzers, fixers, string.Join(", ", names));
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.Where(t => t is not null)!;
        }
    }
}
