using System.Diagnostics;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// A two-project folder loaded through MSBuildWorkspace: a stand-in "TorchTrainer" library, an app whose legacy
/// use sits in a file of its own, and a project that does not reference TorchTrainer. MSBuild loads are slow
/// (a BuildHost process each), so one test walks the whole story: --check on the .slnx, apply on the folder,
/// --check again on the .csproj.
/// </summary>
public sealed class MsBuildTests
{
    private const string App = """
        namespace Demo;

        public static class Report
        {
            public static double Last(TrainingResults r) => r.LossHistory[^1];
        }
        """;

    private static void Restore(string path)
    {
        var start = new ProcessStartInfo("dotnet", ["restore", path, "-v", "q", "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet restore failed: {output.Result}\n{error}");
    }

    [Fact]
    public async Task Solution_folder_and_project_paths_migrate_through_MSBuildWorkspace()
    {
        using var dir = new TempDir();
        const string lib = """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup></Project>""";
        dir.Write("TorchTrainer/TorchTrainer.csproj", lib);
        dir.Write("TorchTrainer/Results.cs", TestAnalyzers.Stubs);
        dir.Write("App/App.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><ProjectReference Include="../TorchTrainer/TorchTrainer.csproj" /></ItemGroup>
            </Project>
            """);
        dir.Write("App/Report.cs", App.Replace("\n", "\r\n", StringComparison.Ordinal), bom: true);
        dir.Write("Other/Other.csproj", lib);
        dir.Write("Other/Code.cs", "namespace Other; public class C { }\n");
        dir.Write("all.slnx", """
            <Solution>
              <Project Path="TorchTrainer/TorchTrainer.csproj" />
              <Project Path="App/App.csproj" />
              <Project Path="Other/Other.csproj" />
            </Solution>
            """);
        Restore(Path.Combine(dir.Path, "all.slnx"));

        var check = await Tool.RunAsync(dir.Path, "--check", "all.slnx");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("does not reference TorchTrainer", check.Output);
        Assert.Contains("Other.csproj", check.Output);

        var apply = await Tool.RunAsync(dir.Path, ".");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var expected = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(System.Text.Encoding.UTF8.GetBytes(
            App.Replace("r.LossHistory[^1]", "r.MetricsSummary.TrainLoss[^1]", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.Equal(expected, dir.Bytes("App/Report.cs"));

        var recheck = await Tool.RunAsync(dir.Path, "--check", "App/App.csproj");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
    }

    [Fact]
    public async Task A_project_that_cannot_be_loaded_exits_2_naming_it()
    {
        using var dir = new TempDir();
        dir.Write("Broken/Broken.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>");

        var run = await Tool.RunAsync(dir.Path, "Broken/Broken.csproj");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("Broken.csproj", run.Error);
    }
}
