namespace TorchTrainer.Migrate.FileBasedApps;

/// <summary>
/// The preprocessor symbols of a file-based app under Debug (what <c>dotnet run app.cs</c> builds) and Release (what
/// <c>dotnet publish app.cs</c> builds): the configuration's TRACE;DEBUG or TRACE;RELEASE (as the SDK's evaluation of
/// the app gives them), the target framework's implicit symbols (<see cref="Units.ImplicitSymbols"/>), and those a
/// <c>#:property DefineConstants</c> adds. Code under a symbol none of them defines is named by
/// <see cref="Units.InactiveCode"/>, never passed.
/// </summary>
internal static class AppConfigurations
{
    public static IReadOnlyList<(string Label, IReadOnlyList<string> Symbols)> Of(FileBasedApp app, string defaultFramework)
    {
        var properties = app.Directives.Where(d => d.Kind == "property" && d.Value is not null)
            .ToLookup(d => d.Name, d => d.Value!, StringComparer.OrdinalIgnoreCase);
        var framework = properties["TargetFramework"].LastOrDefault() ?? defaultFramework;
        var defined = properties["DefineConstants"].SelectMany(v => v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(s => !s.StartsWith("$(", StringComparison.Ordinal)).ToList();
        var implicitSymbols = Units.ImplicitSymbols.ForFramework(framework).ToList();
        return
        [
            ($"Debug|{framework}", ["TRACE", "DEBUG", .. implicitSymbols, .. defined]),
            ($"Release|{framework}", ["TRACE", "RELEASE", .. implicitSymbols, .. defined]),
        ];
    }
}
