using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TorchTrainer.Analyzers;

namespace TorchTrainer.Migrate.Fixing;

/// <summary>
/// The legacy-use rules (TRN0001, TRN0002) cannot be turned off for the tool. A project that silences them — NoWarn,
/// <c>dotnet_diagnostic.TRN0001.severity = none</c> in .editorconfig, <c>#pragma warning disable</c>,
/// <c>[SuppressMessage]</c>, warning level 0 — has silenced the warning, not the crash: the members are removed in
/// TorchTrainer 5.0, and the contract makes <c>--check</c> the safety net where the analyzers do not speak. So the
/// tool analyses with those rules at least at warning severity everywhere (a stricter setting, error, is kept) and
/// counts their suppressed diagnostics too; other rules (TRN0003) keep the project's settings.
/// </summary>
internal static class LegacyRulesAlwaysOn
{
    public static readonly ImmutableHashSet<string> Ids = ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase, DiagnosticIds.LegacyMember, DiagnosticIds.LegacyKey);

    /// <summary>The compilation with the legacy rules on wherever its options (NoWarn, warning level, .editorconfig) turn them off.</summary>
    public static Compilation Apply(Compilation compilation)
    {
        var options = compilation.Options;
        var specific = options.SpecificDiagnosticOptions;
        foreach (var id in Ids)
        {
            if (specific.TryGetValue(id, out var value) && IsOff(value))
            {
                specific = specific.SetItem(id, ReportDiagnostic.Warn);
            }
        }

        options = options.WithSpecificDiagnosticOptions(specific);
        if (options.GeneralDiagnosticOption == ReportDiagnostic.Suppress)
        {
            options = options.WithGeneralDiagnosticOption(ReportDiagnostic.Default);
        }

        if (options is CSharpCompilationOptions { WarningLevel: < 1 } csharp)
        {
            options = csharp.WithWarningLevel(1);
        }

        if (options.SyntaxTreeOptionsProvider is { } provider)
        {
            options = options.WithSyntaxTreeOptionsProvider(new Provider(provider));
        }

        return compilation.WithOptions(options);
    }

    /// <summary>
    /// How <paramref name="original"/> (the project's own options) turns off the legacy-rule diagnostic
    /// <paramref name="diagnostic"/> that the tool reported anyway; null when it does not (or for another rule).
    /// </summary>
    public static string? TurnedOffBy(Compilation original, Diagnostic diagnostic)
    {
        var id = diagnostic.Id;
        if (!Ids.Contains(id))
        {
            return null;
        }

        var options = original.Options;
        var tree = diagnostic.Location.SourceTree;
        return diagnostic.IsSuppressed ? "#pragma warning disable, [SuppressMessage] or a suppressor"
            : tree is not null && options.SyntaxTreeOptionsProvider is { } provider && provider.TryGetDiagnosticValue(tree, id, default, out var local) && IsOff(local) ? ".editorconfig"
            : options.SyntaxTreeOptionsProvider is { } global && global.TryGetGlobalDiagnosticValue(id, default, out var value) && IsOff(value) ? "a global analyzer config"
            : options.SpecificDiagnosticOptions.TryGetValue(id, out var specific) && IsOff(specific) ? "NoWarn or a rule set"
            : options.GeneralDiagnosticOption == ReportDiagnostic.Suppress || options is CSharpCompilationOptions { WarningLevel: < 1 } ? "warnings turned off (WarningLevel 0)"
            : null;
    }

    private static bool IsOff(ReportDiagnostic value) => value is ReportDiagnostic.Suppress or ReportDiagnostic.Hidden;

    /// <summary>.editorconfig and global config severities, with the legacy rules' "none" and "silent" read as "warning".</summary>
    private sealed class Provider(SyntaxTreeOptionsProvider inner) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => inner.IsGenerated(tree, cancellationToken);

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            On(diagnosticId, inner.TryGetDiagnosticValue(tree, diagnosticId, cancellationToken, out severity), ref severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            On(diagnosticId, inner.TryGetGlobalDiagnosticValue(diagnosticId, cancellationToken, out severity), ref severity);

        private static bool On(string diagnosticId, bool found, ref ReportDiagnostic severity)
        {
            if (found && Ids.Contains(diagnosticId) && IsOff(severity))
            {
                severity = ReportDiagnostic.Warn;
            }

            return found;
        }
    }
}
