using System.Reflection;
using System.Runtime.Versioning;
using Microsoft.CodeAnalysis;

namespace TorchTrainer.Analyzers.Tests.Infrastructure;

/// <summary>
/// The real TorchTrainer runtime (the project this test project references) as the code under test sees it: a
/// metadata reference to its assembly, with the framework reference assemblies of the framework it targets (older
/// reference assemblies than the runtime's target give CS1705).
/// </summary>
public static class RealTorchTrainer
{
    /// <summary>The runtime assembly, loaded in this process (programs compiled against it run against it).</summary>
    public static Assembly Assembly { get; } = typeof(TrainingResults).Assembly;

    /// <summary>Everything a test program needs to compile against the real runtime.</summary>
    public static IReadOnlyList<MetadataReference> References { get; } = Create();

    private static MetadataReference[] Create()
    {
        var framework = Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
        var frameworkReferences = framework switch
        {
            ".NETCoreApp,Version=v8.0" => Basic.Reference.Assemblies.Net80.References.All,
            ".NETCoreApp,Version=v10.0" => Basic.Reference.Assemblies.Net100.References.All,
            _ => throw new InvalidOperationException($"TorchTrainer targets {framework}: add its reference assemblies (Basic.Reference.Assemblies) here."),
        };

        // The runtime and the assemblies its public signatures name (TorchSharp, logging), from this test's output.
        var runtime = Assembly.GetReferencedAssemblies()
            .Select(name => Path.Combine(AppContext.BaseDirectory, name.Name + ".dll"))
            .Where(File.Exists)
            .Prepend(Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        return [.. frameworkReferences, .. runtime];
    }
}
