using Microsoft.Extensions.Logging;

namespace TorchTrainer.Tests.Legacy;

/// <summary>
/// Tests that touch process-wide state (the shim's once-per-process warnings, the strict-mode
/// environment variable and AppContext switch, Console.Error). xunit runs a collection with
/// DisableParallelization after all parallel collections and alone, so no other test observes the
/// state these tests set.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideState
{
    public const string Name = "Process-wide state (legacy shim, strict mode, stderr)";
}

/// <summary>
/// Puts the shim into a known state for one test: default (non-strict) mode whatever the
/// environment says, no member warned yet, fallback warnings captured. Restores everything on dispose.
/// </summary>
internal sealed class ShimScope : IDisposable
{
    private readonly string? _savedEnv = Environment.GetEnvironmentVariable(StrictLegacyApi.EnvironmentVariable);
    private readonly bool _savedSwitch = AppContext.TryGetSwitch(StrictLegacyApi.AppContextSwitch, out var on) && on;

    public ShimScope(bool captureFallback = true)
    {
        Environment.SetEnvironmentVariable(StrictLegacyApi.EnvironmentVariable, null);
        AppContext.SetSwitch(StrictLegacyApi.AppContextSwitch, false);
        LegacyApiShim.ResetForTests();
        LegacyApiShim.FallbackWriter = captureFallback ? Fallback : null;
    }

    /// <summary>What the shim wrote where standard error would have been.</summary>
    public StringWriter Fallback { get; } = new();

    public string[] FallbackLines => Fallback.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static void StrictByEnvironment(string value) => Environment.SetEnvironmentVariable(StrictLegacyApi.EnvironmentVariable, value);

    public static void StrictBySwitch(bool on) => AppContext.SetSwitch(StrictLegacyApi.AppContextSwitch, on);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(StrictLegacyApi.EnvironmentVariable, _savedEnv);
        AppContext.SetSwitch(StrictLegacyApi.AppContextSwitch, _savedSwitch);
        LegacyApiShim.FallbackWriter = null;
        LegacyApiShim.ResetForTests();
    }
}
