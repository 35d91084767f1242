using System.Reflection;
using Microsoft.CodeAnalysis;

namespace TorchTrainer.Analyzers.Tests;

/// <summary>Every rule has its page, its help link points at it, and it is in the release tracking files.</summary>
public class DocumentationTests
{
    private static readonly string AnalyzerProject = Path.Combine(Repository.Root, "src", "TorchTrainer.Analyzers");
    private static readonly string RulePages = Path.Combine(Repository.Root, "docs", "rules");

    public static TheoryData<string> DescriptorIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in AllDescriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void Every_ID_has_exactly_one_descriptor_and_every_analyzer_uses_them()
    {
        var ids = typeof(DiagnosticIds).GetFields().Select(f => (string)f.GetValue(null)!).OrderBy(x => x).ToArray();
        Assert.Equal(ids, AllDescriptors().Select(d => d.Id).OrderBy(x => x));
        var supported = Infrastructure.RuleCatalog.Analyzers
            .SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).OrderBy(x => x);
        Assert.Equal(ids, supported);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Rule_page_exists_with_the_descriptor_title(string id)
    {
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        var page = Path.Combine(RulePages, id + ".md");
        Assert.True(File.Exists(page), $"missing {page}");
        var text = File.ReadAllText(page);
        Assert.Equal($"# {id}: {descriptor.Title}", text.Split('\n')[0].TrimEnd());
        foreach (var section in new[] { "## What it flags", "## Why", "## Configure", "## Timeline", $"dotnet_diagnostic.{id}.severity" })
        {
            Assert.Contains(section, text);
        }
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Help_link_points_at_the_rule_page_of_the_packages_repository(string id)
    {
        // One identity: the packages' RepositoryUrl / PackageProjectUrl and the help links are the same MSBuild property.
        var repository = typeof(DocumentationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TorchTrainerRepositoryUrl").Value;
        Assert.Equal("https://github.com/torchtrainer/torchtrainer", repository);
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        Assert.Equal($"https://github.com/torchtrainer/torchtrainer/blob/main/docs/rules/{id}.md", descriptor.HelpLinkUri);
    }

    [Fact]
    public void Every_rule_page_is_a_rule()
    {
        var ids = AllDescriptors().Select(d => d.Id + ".md").Order();
        Assert.Equal(ids, Directory.GetFiles(RulePages).Select(Path.GetFileName).Order());
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Rule_is_in_the_release_tracking_files(string id)
    {
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        var rows = File.ReadAllLines(Path.Combine(AnalyzerProject, "AnalyzerReleases.Shipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(AnalyzerProject, "AnalyzerReleases.Unshipped.md")))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c.Length >= 3 && c[0] == id)
            .ToList();
        var row = Assert.Single(rows);
        Assert.Equal(descriptor.Category, row[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
    }

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors() =>
        typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
}
