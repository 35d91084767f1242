namespace TorchTrainer;

/// <summary>
/// Whether strict mode (v4.5 behaviour: legacy members throw) is on. Read on every legacy use, not
/// cached, so a host can switch it at run time and tests can check both ways in one process.
/// </summary>
internal static class StrictLegacyApi
{
    /// <summary>The AppContext switch that the package's MSBuild property <c>TorchTrainerStrictLegacyApi</c> sets.</summary>
    public const string AppContextSwitch = Contract.StrictModeNames.AppContextSwitch;

    /// <summary>The environment variable that turns strict mode on without rebuilding.</summary>
    public const string EnvironmentVariable = Contract.StrictModeNames.EnvironmentVariable;

    /// <summary>Returns what turned strict mode on, or null when it is off.</summary>
    public static string? Source()
    {
        if (AppContext.TryGetSwitch(AppContextSwitch, out var on) && on)
        {
            return $"the AppContext switch '{AppContextSwitch}' (MSBuild property TorchTrainerStrictLegacyApi=true)";
        }

        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return env is not null && (env.Trim() == "1" || env.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            ? $"the environment variable {EnvironmentVariable}={env.Trim()}"
            : null;
    }
}
