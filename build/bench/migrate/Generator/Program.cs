// Writes a synthetic solution for the trainer-migrate benchmark: N class-library projects (classic .sln),
// each referencing the TorchTrainer package, with M legacy uses of the v3 results API in total, spread
// evenly over the projects and over four kinds:
//   last      r.LossHistory[^1]                     (TRN0001, becomes r.FinalLoss)
//   history   other uses of r.LossHistory           (TRN0001, becomes r.MetricsSummary.TrainLoss)
//   val       uses of r.ValLossHistory              (TRN0001, becomes r.MetricsSummary.ValLoss)
//   key       r["loss_history"] / ["val_loss_history"] (TRN0002)
// plus ordinary code (filler files, project references in groups of ten) so that the analyzers have
// something else to walk. The output is deterministic for given arguments.
//
//   MigrateBenchGenerator --out DIR --torchtrainer-version V [--projects 250] [--uses 1500] [--filler 2]
//                         [--torchtrainer-projects K] [--other-package ID/VERSION] [--feed FOLDER] [--fallback-packages FOLDER]
//                         [--analyzers FOLDER]
//
// --torchtrainer-projects K (default: all) makes only K projects reference TorchTrainer, evenly spread and none of
// them referenced by another project (the last of every N/K), and puts all M uses in those: the "sparse" shape of a
// CI gate on a large solution where most projects have nothing to do with training.
//
// --other-package ID/VERSION gives every project that does not reference TorchTrainer a PackageReference to that
// package (as real solutions' projects tend to have one): no tool can then know without a restore that such a
// project does not get TorchTrainer through it, so the CI gate has to restore every project.
//
// --feed writes a nuget.config whose sources are FOLDER (the packed TorchTrainer) and nuget.org, with
// --fallback-packages as a read-only fallback folder. --analyzers adds FOLDER/TorchTrainer.Analyzers.dll
// and FOLDER/TorchTrainer.Analyzers.CodeFixes.dll as <Analyzer> items to every project, for a TorchTrainer
// package that does not carry them yet (dotnet format only runs the analyzers a project references).
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: MigrateBenchGenerator --out DIR --torchtrainer-version V [--projects N] [--uses M] [--filler K] [--torchtrainer-projects K] [--other-package ID/VERSION] [--feed FOLDER] [--fallback-packages FOLDER] [--analyzers FOLDER]");
    return 2;
}

if (Directory.Exists(options.Out) && Directory.EnumerateFileSystemEntries(options.Out).Any())
{
    Console.Error.WriteLine($"error: {options.Out} exists and is not empty");
    return 2;
}

Directory.CreateDirectory(options.Out);
var counts = new Dictionary<string, int> { ["last"] = 0, ["history"] = 0, ["val"] = 0, ["key"] = 0 };
var rules = new Dictionary<string, int> { ["TRN0001"] = 0, ["TRN0002"] = 0 };
var files = 0;
var names = Enumerable.Range(0, options.Projects).Select(i => $"P{i.ToString("D3", CultureInfo.InvariantCulture)}").ToList();

Write("Directory.Build.props", DirectoryBuildProps(options));
Write("Directory.Build.targets", "<Project />\n");
Write("Directory.Packages.props", "<Project />\n");
if (options.Feed is not null)
{
    Write("nuget.config", NuGetConfig(options.Feed, options.FallbackPackages));
}

// Which projects reference TorchTrainer: all, or the last of every N/K (never a group's first project, which the
// others of its group reference, so that no project references TorchTrainer through another one).
var step = options.Projects / Math.Max(1, options.TorchTrainerProjects);
var referencing = Enumerable.Range(0, options.Projects)
    .Where(p => options.TorchTrainerProjects >= options.Projects || (p % step == step - 1 && p % 10 != 0))
    .Take(options.TorchTrainerProjects)
    .ToList();
if (referencing.Count != Math.Min(options.TorchTrainerProjects, options.Projects))
{
    Console.Error.WriteLine($"error: cannot spread {options.TorchTrainerProjects} TorchTrainer projects over {options.Projects} (choose N/K >= 2, not a multiple-of-ten clash)");
    return 2;
}

var use = 0; // running index over all uses, so kinds and variants spread evenly
for (var p = 0; p < options.Projects; p++)
{
    var name = names[p];
    var index = referencing.IndexOf(p);
    var usesHere = index < 0 ? 0 : options.Uses / referencing.Count + (index < options.Uses % referencing.Count ? 1 : 0);
    var group = p / 10 * 10;
    var reference = p % 10 != 0 ? names[group] : null;
    Write($"{name}/{name}.csproj", Csproj(reference, torchTrainer: index >= 0, index >= 0 ? null : options.OtherPackage));
    Write($"{name}/Training.cs", index >= 0 ? Training(name, usesHere, ref use) : Filler(name, 99, null));
    for (var k = 0; k < options.Filler; k++)
    {
        Write($"{name}/Model{k}.cs", Filler(name, k, k == 0 ? reference : null));
    }
}

Write("Bench.sln", Solution(names));
var summary = $"projects={options.Projects} torchtrainer-projects={referencing.Count} uses={options.Uses} files={files} " + (options.OtherPackage is null ? "" : $"other-package={options.OtherPackage} ") +
    string.Join(' ', counts.Select(c => $"{c.Key}={c.Value}")) + " " + string.Join(' ', rules.Select(r => $"{r.Key}={r.Value}"));
Write("bench-input.txt", summary + "\n");
Console.WriteLine($"generated {options.Out}: {summary}");
return 0;

void Write(string relative, string text)
{
    var path = Path.Combine(options.Out, relative);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    if (relative.EndsWith(".cs", StringComparison.Ordinal))
    {
        files++;
    }
}

string Training(string name, int usesHere, ref int running)
{
    var b = new StringBuilder();
    b.Append(CultureInfo.InvariantCulture, $$"""
        using TorchTrainer;

        namespace Bench.{{name}};

        /// <summary>Reports written against the TorchTrainer v3 results API.</summary>
        public static class Reports
        {
            private static TrainingResults Latest { get; set; } = TrainingResults.FromMetrics(MetricsSummary.FromRows(
            [
                new Dictionary<string, double> { ["train/loss"] = 2.5, ["val/loss"] = 2.75 },
                new Dictionary<string, double> { ["train/loss"] = 2.0, ["val/loss"] = 2.25 },
            ]));

            private static TrainingResults GetResults() => Latest;

        """);
    for (var j = 0; j < usesHere; j++, running++)
    {
        var kind = (running % 4) switch { 0 => "last", 1 => "history", 2 => "val", _ => "key" };
        var variant = running / 4 % 3;
        counts[kind]++;
        rules[kind == "key" ? "TRN0002" : "TRN0001"]++;
        b.Append('\n');
        b.Append(UseMethod(j, kind, variant));
    }

    b.Append('\n');
    b.Append("""
            public static string Describe(TrainingResults r)
            {
                // Modern API only: nothing to migrate here.
                return $"final {r.FinalLoss:0.000} after {r.MetricsSummary.Count} epochs, best {r.BestEpoch}";
            }
        }

        """);
    return b.ToString();
}

static string UseMethod(int j, string kind, int variant) => (kind, variant) switch
{
    ("last", 0) => $$"""
            public static double Use{{j}}(TrainingResults r) => r.LossHistory[^1];

        """,
    ("last", 1) => $$"""
            public static string Use{{j}}()
            {
                var last = GetResults().LossHistory[^1]; // the final training loss
                return last.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
            }

        """,
    ("last", _) => $$"""
            public static bool Use{{j}}(TrainingResults r, double threshold)
            {
                if (r.LossHistory[^1] < threshold)
                {
                    return true;
                }

                return false;
            }

        """,
    ("history", 0) => $$"""
            public static int Use{{j}}(TrainingResults r) => r.LossHistory.Count;

        """,
    ("history", 1) => $$"""
            public static double Use{{j}}(TrainingResults r)
            {
                var sum = 0.0;
                foreach (var loss in r.LossHistory)
                {
                    sum += loss;
                }

                return sum;
            }

        """,
    ("history", _) => $$"""
            public static IReadOnlyList<double> Use{{j}}(TrainingResults r) =>
                r.LossHistory; // plotted by the caller

        """,
    ("val", 0) => $$"""
            public static int Use{{j}}(TrainingResults r) => r.ValLossHistory.Count;

        """,
    ("val", 1) => $$"""
            public static double Use{{j}}(TrainingResults r) => r.ValLossHistory.DefaultIfEmpty(double.NaN).Min();

        """,
    ("val", _) => $$"""
            public static IReadOnlyList<double> Use{{j}}() => GetResults().ValLossHistory;

        """,
    ("key", 0) => $$"""
            public static IReadOnlyList<double> Use{{j}}(TrainingResults r) => (IReadOnlyList<double>)r["loss_history"];

        """,
    ("key", 1) => $$"""
            public static object Use{{j}}(TrainingResults r) => r["val_loss_history"];

        """,
    _ => $$"""
            public static int Use{{j}}(TrainingResults r)
            {
                var history = (IReadOnlyList<double>)r["loss_history"];
                return history.Count;
            }

        """,
};

static string Filler(string name, int k, string? reference)
{
    var uses = reference is null ? "" : $"\n    public static double FromGroup() => new Bench.{reference}.Model0(4).Score([1.0, 2.0, 3.0, 4.0]);\n";
    return $$"""
        namespace Bench.{{name}};

        /// <summary>Ordinary code with nothing to migrate.</summary>
        public sealed class Model{{k}}
        {
            private readonly double[] _weights;

            public Model{{k}}(int size)
            {
                _weights = Enumerable.Range(0, size).Select(i => (i + {{k}}) * 0.5).ToArray();
            }

            public int Size => _weights.Length;

            public double Score(IEnumerable<double> inputs) => inputs.Zip(_weights, (a, b) => a * b).Sum();

            public double[] Normalize()
            {
                var total = _weights.Sum();
                return total == 0 ? [.. _weights] : _weights.Select(w => w / total).ToArray();
            }

            public IEnumerable<(int Index, double Weight)> Largest(int count) =>
                _weights.Select((w, i) => (i, w)).OrderByDescending(t => t.w).Take(count);

            public override string ToString() => $"Model{{k}}({_weights.Length})";
        {{uses}}}

        """;
}

static string Csproj(string? reference, bool torchTrainer, string? otherPackage)
{
    var package = torchTrainer ? """

          <ItemGroup>
            <PackageReference Include="TorchTrainer" Version="$(TorchTrainerVersion)" />
          </ItemGroup>
        """ : otherPackage is null ? "" : $"""

          <ItemGroup>
            <PackageReference Include="{otherPackage.Split('/')[0]}" Version="{otherPackage.Split('/')[1]}" />
          </ItemGroup>
        """;
    var projectReference = reference is null ? "" : $"""

          <ItemGroup>
            <ProjectReference Include="../{reference}/{reference}.csproj" />
          </ItemGroup>
        """;
    return $"""
        <Project Sdk="Microsoft.NET.Sdk">{package}{projectReference}
        </Project>

        """;
}

static string DirectoryBuildProps(Options o)
{
    var analyzers = o.Analyzers is null ? "" : $"""

          <!-- The TorchTrainer package used here does not carry its analyzers yet: reference them directly. -->
          <ItemGroup>
            <Analyzer Include="{Path.Combine(o.Analyzers, "TorchTrainer.Analyzers.dll")}" />
            <Analyzer Include="{Path.Combine(o.Analyzers, "TorchTrainer.Analyzers.CodeFixes.dll")}" />
          </ItemGroup>
        """;
    return $"""
        <Project>
          <!-- Synthetic input of build/bench/migrate (generated). -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <TorchTrainerVersion>{o.TorchTrainerVersion}</TorchTrainerVersion>
          </PropertyGroup>{analyzers}
        </Project>

        """;
}

static string NuGetConfig(string feed, string? fallback)
{
    var fallbackSection = fallback is null ? "" : $"""

          <fallbackPackageFolders>
            <clear />
            <add key="shared-cache" value="{fallback}" />
          </fallbackPackageFolders>
        """;
    return $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="bench-feed" value="{feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>{fallbackSection}
        </configuration>

        """;
}

static string Solution(IReadOnlyList<string> projects)
{
    const string csharp = "{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}";
    var guids = projects.ToDictionary(p => p, p => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(p))).ToString("B").ToUpperInvariant());
    var b = new StringBuilder();
    b.Append("\r\nMicrosoft Visual Studio Solution File, Format Version 12.00\r\n# Visual Studio Version 17\r\nVisualStudioVersion = 17.0.31903.59\r\nMinimumVisualStudioVersion = 10.0.40219.1\r\n");
    foreach (var p in projects)
    {
        b.Append(CultureInfo.InvariantCulture, $"Project(\"{csharp}\") = \"{p}\", \"{p}\\{p}.csproj\", \"{guids[p]}\"\r\nEndProject\r\n");
    }

    b.Append("Global\r\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\r\n\t\tDebug|Any CPU = Debug|Any CPU\r\n\t\tRelease|Any CPU = Release|Any CPU\r\n\tEndGlobalSection\r\n");
    b.Append("\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\r\n");
    foreach (var p in projects)
    {
        foreach (var c in new[] { "Debug", "Release" })
        {
            b.Append(CultureInfo.InvariantCulture, $"\t\t{guids[p]}.{c}|Any CPU.ActiveCfg = {c}|Any CPU\r\n\t\t{guids[p]}.{c}|Any CPU.Build.0 = {c}|Any CPU\r\n");
        }
    }

    b.Append("\tEndGlobalSection\r\n\tGlobalSection(SolutionProperties) = preSolution\r\n\t\tHideSolutionNode = FALSE\r\n\tEndGlobalSection\r\nEndGlobal\r\n");
    return b.ToString();
}

internal sealed record Options(string Out, int Projects, int Uses, int Filler, int TorchTrainerProjects, string TorchTrainerVersion, string? OtherPackage, string? Feed, string? FallbackPackages, string? Analyzers)
{
    public static Options? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            values[args[i][2..]] = args[i + 1];
        }

        if (args.Length % 2 != 0 || !values.TryGetValue("out", out var output) || !values.TryGetValue("torchtrainer-version", out var version))
        {
            return null;
        }

        int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        string? Folder(string key) => values.TryGetValue(key, out var v) ? Path.GetFullPath(v) : null;
        var projects = Int("projects", 250);
        var o = new Options(Path.GetFullPath(output), projects, Int("uses", 1500), Int("filler", 2), Int("torchtrainer-projects", projects), version,
            values.GetValueOrDefault("other-package"), Folder("feed"), Folder("fallback-packages"), Folder("analyzers"));
        return o.Projects < 1 || o.Uses < 0 || o.Filler < 1 || o.TorchTrainerProjects < 1 || o.OtherPackage?.Split('/').Length is 1 or > 2 ? null : o;
    }
}
