using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using TorchTrainer.Analyzers.Tests.Infrastructure;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>
/// src/Samples/LegacyTraining keeps its v3 report on purpose (the migration demo): its build must show each
/// legacy use as a warning, without failing under the TreatWarningsAsErrors that src/ has.
/// Building the sample here would copy a gigabyte of TorchSharp natives, so this checks it in two real but cheaper
/// ways: the sample's own source files, read from the repository, compile against the real TorchTrainer and go
/// through the real analyzers, and MSBuild's evaluation of the sample shows
/// that the repository wires those analyzers into its build as warnings.
/// </summary>
public class SampleTests
{
    private static readonly string SampleFolder = Path.Combine(Repository.Root, "src", "Samples", "LegacyTraining");

    [Fact]
    public async Task Sample_legacy_report_is_flagged_at_its_lines()
    {
        var test = new AllAnalyzersTest(LibraryVersion.V4)
        {
            OutputKind = OutputKind.ConsoleApplication,
            CompilerDiagnostics = CompilerDiagnostics.Errors, // the sample compiles against the real runtime
        };
        foreach (var file in Directory.GetFiles(SampleFolder, "*.cs").Order(StringComparer.Ordinal))
        {
            test.TestState.Sources.Add((Path.GetFileName(file), File.ReadAllText(file)));
        }

        test.TestState.Sources.Add(("GlobalUsings.cs", TorchTrainerLibrary.ImplicitUsings));
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.TestState.AdditionalReferences.Add(Basic.Reference.Assemblies.Net100.References.SystemRuntimeNumerics); // TorchSharp's Complex
        // Every legacy read in the sample's report, wherever the report sits in the file.
        var program = File.ReadAllLines(Path.Combine(SampleFolder, "Program.cs"));
        for (var line = 0; line < program.Length; line++)
        {
            foreach (Match use in Regex.Matches(program[line], @"results\.(LossHistory|ValLossHistory)(\[\^1\])?"))
            {
                var member = use.Groups[1].Value;
                var replacement = member == "ValLossHistory" ? "MetricsSummary.ValLoss"
                    : use.Groups[2].Success ? "FinalLoss" : "MetricsSummary.TrainLoss";
                test.ExpectedDiagnostics.Add(Legacy(line + 1, use.Groups[1].Index + 1, member, replacement));
            }
        }

        Assert.Equal(5, test.ExpectedDiagnostics.Count); // the report's five legacy reads
        await test.RunAsync();
    }

    [Fact]
    public void Sample_build_runs_the_analyzers_and_keeps_the_legacy_rules_warnings()
    {
        var sample = Evaluate(Path.Combine(SampleFolder, "LegacyTraining.csproj"));
        Assert.Equal("true", sample.Property("TreatWarningsAsErrors"), ignoreCase: true);
        Assert.Contains("TRN0001", sample.Property("WarningsNotAsErrors").Split(';'));
        Assert.Contains("TRN0002", sample.Property("WarningsNotAsErrors").Split(';'));
        Assert.DoesNotContain("TRN0001", sample.Property("NoWarn").Split(';'));
        Assert.Equal(
            ["TorchTrainer.Analyzers.CodeFixes.csproj", "TorchTrainer.Analyzers.csproj"],
            sample.AnalyzerProjectReferences());

        // The analyzer tests load the analyzers as code; they must not run them on themselves.
        var tests = Evaluate(Path.Combine(Repository.Root, "tests", "TorchTrainer.Analyzers.Tests", "TorchTrainer.Analyzers.Tests.csproj"));
        Assert.Empty(tests.AnalyzerProjectReferences());
    }

    private static DiagnosticResult Legacy(int line, int column, string member, string replacement) =>
        new DiagnosticResult(Descriptors.LegacyMember)
            .WithLocation("Program.cs", line, column)
            .WithArguments(member, replacement)
            .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    /// <summary>MSBuild's evaluation of a project (no build, no restore): a few properties and its ProjectReference items.</summary>
    private static Evaluation Evaluate(string project)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "msbuild", project, "-nologo", "-getItem:ProjectReference",
                     "-getProperty:TreatWarningsAsErrors", "-getProperty:WarningsNotAsErrors", "-getProperty:NoWarn" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "dotnet msbuild did not finish");
        Assert.True(process.ExitCode == 0, $"dotnet msbuild {project}: {stdout.Result}{stderr.Result}");
        return new Evaluation(JsonDocument.Parse(stdout.Result).RootElement.Clone());
    }

    private sealed record Evaluation(JsonElement Json)
    {
        public string Property(string name) => Json.GetProperty("Properties").GetProperty(name).GetString() ?? "";

        /// <summary>The file names of the ProjectReferences that the build turns into Analyzer items.</summary>
        public string[] AnalyzerProjectReferences() =>
            Json.GetProperty("Items").GetProperty("ProjectReference").EnumerateArray()
                .Where(i => i.TryGetProperty("OutputItemType", out var type) && type.GetString() == "Analyzer")
                .Select(i => Path.GetFileName(i.GetProperty("Identity").GetString()!))
                .Order(StringComparer.Ordinal)
                .ToArray();
    }
}
