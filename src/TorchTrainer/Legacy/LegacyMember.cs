namespace TorchTrainer;

/// <summary>The v3 results members that v4 keeps working until v5.0.</summary>
internal enum LegacyMember
{
    LossHistory,
    ValLossHistory,
}

internal static class LegacyMemberInfo
{
    public static string Name(this LegacyMember member) => member switch
    {
        LegacyMember.LossHistory => "LossHistory",
        _ => "ValLossHistory",
    };

    public static string Key(this LegacyMember member) => member switch
    {
        LegacyMember.LossHistory => ResultKeys.LossHistory,
        _ => ResultKeys.ValLossHistory,
    };

    /// <summary>What to write instead, in the words of the code fixes.</summary>
    public static string Replacement(this LegacyMember member) => member switch
    {
        LegacyMember.LossHistory => "'MetricsSummary.TrainLoss' (or 'FinalLoss' for the last value)",
        _ => "'MetricsSummary.ValLoss' (or 'FinalValLoss' for the last validated value)",
    };
}
