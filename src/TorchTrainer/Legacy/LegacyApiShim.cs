using Microsoft.Extensions.Logging;

namespace TorchTrainer;

/// <summary>
/// The run-time side of the v3 → v4 migration: every read of a legacy member or key passes here.
/// Default mode warns once per member per process; strict mode throws <see cref="LegacyApiException"/>.
/// </summary>
internal static class LegacyApiShim
{
    /// <summary>The command the messages tell users to run.</summary>
    public const string MigrationCommand = "dotnet tool install -g TorchTrainer.Migrate && trainer-migrate <your solution, project, folder or notebook>";

    private static int _warned; // bit per LegacyMember: one warning per member per process

    /// <summary>The event id of the deprecation warning, so hosts can filter or count it.</summary>
    public static readonly EventId DeprecationEvent = new(4001, "TorchTrainerLegacyApiUse");

    /// <summary>
    /// Where the warning goes when no logger is configured; null means <see cref="Console.Error"/> as it is
    /// at the time of the warning (so a host's <see cref="Console.SetError"/> is honoured). Tests redirect it.
    /// </summary>
    internal static TextWriter? FallbackWriter { get; set; }

    public static void OnUse(LegacyMember member, bool viaKey, ILogger? logger)
    {
        var what = viaKey ? $"TrainingResults[\"{member.Key()}\"]" : $"TrainingResults.{member.Name()}";
        if (StrictLegacyApi.Source() is { } source)
        {
            throw new LegacyApiException(
                $"{what} is not available in strict mode (turned on by {source}). " +
                $"Use {member.Replacement()} instead; to rewrite your code run: {MigrationCommand}");
        }

        var bit = 1 << (int)member;
        if ((Interlocked.Or(ref _warned, bit) & bit) != 0)
        {
            return;
        }

        var message =
            $"TorchTrainer deprecation warning: {what} is deprecated and will be removed in TorchTrainer v5.0. " +
            $"Use {member.Replacement()} instead; to rewrite your code run: {MigrationCommand}";
        if (logger is not null)
        {
            logger.LogWarning(DeprecationEvent, "{Message}", message);
        }
        else
        {
            (FallbackWriter ?? Console.Error).WriteLine(message);
        }
    }

    /// <summary>Forgets which members have warned, so a test can observe the first-use warning again.</summary>
    internal static void ResetForTests() => Interlocked.Exchange(ref _warned, 0);
}
