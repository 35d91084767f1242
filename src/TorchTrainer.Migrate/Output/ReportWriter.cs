using System.Text.Json;
using Microsoft.CodeAnalysis;

namespace TorchTrainer.Migrate.Output;

/// <summary>Writes <c>--report FILE</c>: SARIF 2.1.0 when the file ends in <c>.sarif</c>, the tool's own JSON otherwise.</summary>
internal static class ReportWriter
{
    public const string ToolName = "trainer-migrate";

    public static void Write(string path, RunReport report, IReadOnlyDictionary<string, DiagnosticDescriptor> descriptors, string mode)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            if (path.EndsWith(".sarif", StringComparison.OrdinalIgnoreCase))
            {
                WriteSarif(json, report, descriptors);
            }
            else
            {
                WriteJson(json, report, mode);
            }
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        AtomicFile.Write(path, s => stream.WriteTo(s));
    }

    private static string Version => typeof(ReportWriter).Assembly.GetName().Version?.ToString(3) ?? "4.0.0";

    private static string Status(FindingStatus status) => status switch
    {
        FindingStatus.Fixed => "fixed",
        FindingStatus.Fixable => "fixable",
        _ => "unfixable",
    };

    private static void WriteSarif(Utf8JsonWriter json, RunReport report, IReadOnlyDictionary<string, DiagnosticDescriptor> descriptors)
    {
        var ruleIds = descriptors.Keys.Concat(report.Findings.Select(f => f.RuleId))
            .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(id => id, StringComparer.Ordinal).ToList();
        json.WriteStartObject();
        json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", ToolName);
        json.WriteString("version", Version);
        json.WriteString("informationUri", "https://www.nuget.org/packages/TorchTrainer.Migrate");
        json.WriteStartArray("rules");
        foreach (var id in ruleIds)
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            if (descriptors.TryGetValue(id, out var descriptor))
            {
                json.WriteStartObject("shortDescription");
                json.WriteString("text", descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));
                json.WriteEndObject();
                if (!string.IsNullOrEmpty(descriptor.HelpLinkUri))
                {
                    json.WriteString("helpUri", descriptor.HelpLinkUri);
                }

                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", Level(descriptor.DefaultSeverity));
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("results");
        foreach (var finding in report.Findings)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.RuleId);
            json.WriteNumber("ruleIndex", ruleIds.FindIndex(id => string.Equals(id, finding.RuleId, StringComparison.OrdinalIgnoreCase)));
            json.WriteString("level", Level(finding.Severity));
            json.WriteStartObject("message");
            json.WriteString("text", finding.Detail is null ? finding.Message : $"{finding.Message} ({finding.Detail})");
            json.WriteEndObject();
            json.WriteStartArray("locations");
            json.WriteStartObject();
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", new Uri(Path.GetFullPath(finding.Path)).AbsoluteUri);
            json.WriteEndObject();
            json.WriteStartObject("region");
            json.WriteNumber("startLine", finding.Line);
            if (finding.Detail is null)
            {
                json.WriteNumber("startColumn", finding.Column);
                json.WriteNumber("endLine", finding.EndLine);
                json.WriteNumber("endColumn", finding.EndColumn);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("properties");
            json.WriteString("status", Status(finding.Status));
            if (finding.Reason is not null)
            {
                json.WriteString("reason", finding.Reason);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        // What could not be analysed is a failed execution, not an absence of results (SARIF 2.1.0 §3.20).
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", report.Errors.IsEmpty && report.NotAnalysed.IsEmpty);
        json.WriteStartArray("toolExecutionNotifications");
        foreach (var message in report.Errors.Concat(report.NotAnalysed.Select(n => $"not analysed: {n.Input}: {n.Reason}")))
        {
            json.WriteStartObject();
            json.WriteString("level", "error");
            json.WriteStartObject("message");
            json.WriteString("text", message);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "note",
        _ => "none",
    };

    private static void WriteJson(Utf8JsonWriter json, RunReport report, string mode)
    {
        json.WriteStartObject();
        json.WriteString("tool", ToolName);
        json.WriteString("version", Version);
        json.WriteString("mode", mode);
        json.WriteNumber("files_analysed", report.FilesAnalysed);
        json.WriteStartArray("changed_files");
        foreach (var file in report.ChangedFiles.Order(StringComparer.Ordinal))
        {
            json.WriteStringValue(file);
        }

        json.WriteEndArray();
        json.WriteStartObject("fixed_per_rule");
        foreach (var (id, count) in report.FixedPerRule.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(id, count);
        }

        json.WriteEndObject();
        json.WriteStartArray("findings");
        foreach (var f in report.Findings)
        {
            json.WriteStartObject();
            json.WriteString("rule_id", f.RuleId);
            json.WriteString("severity", Level(f.Severity));
            json.WriteString("message", f.Message);
            json.WriteString("path", f.Path);
            json.WriteNumber("line", f.Line);
            json.WriteNumber("column", f.Column);
            if (f.Detail is not null)
            {
                json.WriteString("where", f.Detail);
            }

            json.WriteString("status", Status(f.Status));
            if (f.Reason is not null)
            {
                json.WriteString("reason", f.Reason);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteStrings(json, "errors", report.Errors);
        WriteStrings(json, "warnings", report.Warnings);
        WriteStrings(json, "skipped", report.Skipped);
        json.WriteNumber("inputs_analysed", report.InputsAnalysed);
        json.WriteStartArray("not_analysed");
        foreach (var n in report.NotAnalysed)
        {
            json.WriteStartObject();
            json.WriteString("input", n.Input);
            json.WriteString("reason", n.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
