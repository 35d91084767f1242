using System.Text.RegularExpressions;

namespace TorchTrainer.Migrate.Units;

/// <summary>
/// The preprocessor symbols the .NET SDK defines for a target framework and platform (NET, NET10_0, NETCOREAPP,
/// NET5_0_OR_GREATER, NETSTANDARD2_0, WINDOWS, …). The SDK adds them in a build target, so MSBuild evaluation's
/// DefineConstants (TRACE;RELEASE) does not show them; a configuration derived from evaluation gets them here. A
/// symbol guessed wrong can only make code look active (then it is analysed) or inactive (then InactiveCode names it):
/// never a pass.
/// </summary>
internal static partial class ImplicitSymbols
{
    private static readonly string[] CoreAppVersions = ["1_0", "1_1", "2_0", "2_1", "2_2", "3_0", "3_1"];

    /// <summary>True for a symbol of the SDK's implicit framework or platform set (a user's own constant is not).</summary>
    public static bool IsImplicit(string symbol) => Implicit().IsMatch(symbol);

    /// <summary>The implicit symbols of a .NET 5+ target framework ("net10.0"), as the SDK documents them; none for another.</summary>
    public static IEnumerable<string> ForFramework(string framework)
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

    [GeneratedRegex(@"^(NET|NETCOREAPP|NETSTANDARD|NETFRAMEWORK)(\d+(_\d+)*)?$|_OR_GREATER$|^(WINDOWS|ANDROID|IOS|MACCATALYST|MACOS|TVOS|BROWSER|WASI|LINUX|OSX)(\d+(_\d+)*)?$")]
    private static partial Regex Implicit();
}
