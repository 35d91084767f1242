using System.Text.RegularExpressions;

namespace TorchTrainer.Migrate.FileBasedApps;

/// <summary>
/// The preprocessor symbols of a file-based app under Debug (what <c>dotnet run app.cs</c> builds) and Release (what
/// <c>dotnet publish app.cs</c> builds): the configuration's TRACE;DEBUG or TRACE;RELEASE (as the SDK's evaluation of
/// the app gives them), the target framework's implicit symbols (which the SDK adds in a target, so evaluation does not
/// show them; the documented set for .NET 5 and later: NET, NETn_m, NETCOREAPP, NETn_m_OR_GREATER down to NET5_0 and
/// NETCOREAPPn_m_OR_GREATER for 1.0–3.1), and those a <c>#:property DefineConstants</c> adds. Code under a symbol none
/// of them defines is named by <see cref="Units.InactiveCode"/>, never passed.
/// </summary>
internal static partial class AppConfigurations
{
    private static readonly string[] CoreAppVersions = ["1_0", "1_1", "2_0", "2_1", "2_2", "3_0", "3_1"];

    public static IReadOnlyList<(string Label, IReadOnlyList<string> Symbols)> Of(FileBasedApp app, string defaultFramework)
    {
        var properties = app.Directives.Where(d => d.Kind == "property" && d.Value is not null)
            .ToLookup(d => d.Name, d => d.Value!, StringComparer.OrdinalIgnoreCase);
        var framework = properties["TargetFramework"].LastOrDefault() ?? defaultFramework;
        var defined = properties["DefineConstants"].SelectMany(v => v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(s => !s.StartsWith("$(", StringComparison.Ordinal)).ToList();
        var implicitSymbols = FrameworkSymbols(framework);
        return
        [
            ($"Debug|{framework}", ["TRACE", "DEBUG", .. implicitSymbols, .. defined]),
            ($"Release|{framework}", ["TRACE", "RELEASE", .. implicitSymbols, .. defined]),
        ];
    }

    /// <summary>The implicit symbols of a .NET 5+ target framework ("net10.0"); none for another (InactiveCode then speaks).</summary>
    private static IEnumerable<string> FrameworkSymbols(string framework)
    {
        var match = ModernFramework().Match(framework);
        if (!match.Success)
        {
            return [];
        }

        var major = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var minor = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new[] { "NET", $"NET{major}_{minor}", "NETCOREAPP" }
            .Concat(CoreAppVersions.Select(v => $"NETCOREAPP{v}_OR_GREATER"))
            .Concat(Enumerable.Range(5, major - 4).Select(m => $"NET{m}_0_OR_GREATER"))
            .Concat(minor > 0 ? [$"NET{major}_{minor}_OR_GREATER"] : []);
    }

    [GeneratedRegex(@"^net(\d+)\.(\d+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ModernFramework();
}
