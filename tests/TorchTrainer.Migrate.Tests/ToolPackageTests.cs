using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using TorchTrainer.Migrate.Cli;
using TorchTrainer.Migrate.Tests.Fixtures;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// Packs trainer-migrate as a .NET tool (the build these tests run against, <c>--no-build</c>, under a unique
/// prerelease version), installs it with <c>dotnet tool install --tool-path</c> from a local folder feed and runs
/// the installed command. The package must carry the TorchTrainer analyzer and code-fix assemblies the tool
/// loads by reflection. Restores go to a private NUGET_PACKAGES folder; the folder feed is the only source.
/// </summary>
[Trait("Category", "Package")]
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(5); // a hang guard, not a timing assertion

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("trainer-migrate-package-");
    private readonly string _version = $"4.0.0-test.g{Guid.NewGuid():N}";

    public void Dispose()
    {
        try
        {
            _work.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public void Pack_then_tool_install_from_a_folder_gives_a_working_trainer_migrate_command()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_work.FullName, "feed")).FullName;
        var package = Pack(feed);
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
            Assert.Contains("tools/net10.0/any/TorchTrainer.Migrate.dll", entries);
            Assert.Contains("tools/net10.0/any/TorchTrainer.Analyzers.dll", entries);
            Assert.Contains("tools/net10.0/any/TorchTrainer.Analyzers.CodeFixes.dll", entries);
            Assert.Contains("tools/net10.0/any/BuildHost-netcore/Microsoft.CodeAnalysis.Workspaces.MSBuild.BuildHost.dll", entries);
            using var settings = new StreamReader(zip.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
            Assert.Contains("Name=\"trainer-migrate\"", settings.ReadToEnd());
        }

        // The only package source is the folder feed (a unique version: no cache can serve another build).
        File.WriteAllText(Path.Combine(_work.FullName, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        var tools = Path.Combine(_work.FullName, "tools");
        Run(_work.FullName, "tool", "install", "--tool-path", tools, "--add-source", feed, "TorchTrainer.Migrate", "--version", _version);

        var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "trainer-migrate.exe" : "trainer-migrate");
        Assert.True(File.Exists(command), $"{command} was not created by dotnet tool install");

        var help = Run(_work.FullName, command, ["--help"]);
        Assert.Contains("--dry-run", help.StdOut);
        Assert.Contains("--check", help.StdOut);
        Assert.Contains("--diagnostics", help.StdOut);
        Assert.Contains("trainer-migrate [<PATH>...] [options]", help.StdOut);

        // --no-build packs the tested assembly, whose version is the build's (the package's is the unique test version).
        var version = Run(_work.FullName, command, ["--version"]);
        Assert.Equal(typeof(MigrateCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, version.StdOut.Trim());

        // The installed tool runs the analyzers and fixes it ships with: --check fails on a file-based app with a legacy
        // read of the real TorchTrainer (it would pass if no analyzer ran), and a plain run rewrites it.
        var app = Directory.CreateDirectory(Path.Combine(_work.FullName, "app")).FullName;
        RealTorchTrainer.WriteNuGetConfig(app);
        var legacy = $"{RealTorchTrainer.PackageDirective}\nusing TorchTrainer;\n\nvar r = {RealTorchTrainer.TwoEpochResults};\nConsole.WriteLine(r.LossHistory[^1]);\n";
        File.WriteAllText(Path.Combine(app, "train.cs"), legacy);
        var check = Run(app, command, ["--check", "-v", "detailed", "train.cs"], expectSuccess: false);
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("train.cs:5:", check.StdOut);
        Assert.Contains("analyzers from TorchTrainer.Analyzers 1.0.0.0, TorchTrainer.Analyzers.CodeFixes 1.0.0.0", check.StdErr + check.StdOut);
        var apply = Run(app, command, ["train.cs"], expectSuccess: false);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(legacy.ReplaceOnce("Console.WriteLine(r.LossHistory[^1]);", "Console.WriteLine(r.FinalLoss);"), File.ReadAllText(Path.Combine(app, "train.cs")));
    }

    private string Pack(string feed)
    {
        var configuration = typeof(ToolPackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var project = Path.Combine(Repository.Root, "src", "TorchTrainer.Migrate");
        var built = Path.Combine(project, "bin", configuration, "net10.0", "TorchTrainer.Migrate.dll");
        var tested = typeof(MigrateCommand).Assembly.Location;
        Assert.True(
            File.Exists(built) && File.ReadAllBytes(built).AsSpan().SequenceEqual(File.ReadAllBytes(tested)),
            $"{built} is not the TorchTrainer.Migrate.dll these tests run against; build the solution before running this test.");

        // --no-build packs exactly what this test run built; the nuspec and the publish step go to the scratch folder.
        Run(project, "pack", "-c", configuration, "--no-build", "--no-restore", $"-p:Version={_version}",
            $"-p:NuspecOutputPath={Path.Combine(_work.FullName, "nuspec")}{Path.DirectorySeparatorChar}",
            $"-p:PublishDir={Path.Combine(_work.FullName, "publish")}{Path.DirectorySeparatorChar}",
            "-o", feed);
        var package = Assert.Single(Directory.GetFiles(feed, $"TorchTrainer.Migrate.{_version}.nupkg"));
        using (var zip = ZipFile.OpenRead(package))
        using (var packed = zip.GetEntry("tools/net10.0/any/TorchTrainer.Migrate.dll")!.Open())
        using (var copy = new MemoryStream())
        {
            packed.CopyTo(copy);
            Assert.True(copy.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(tested)), "the package does not carry the TorchTrainer.Migrate.dll these tests run against");
        }

        return package;
    }

    private ProcessResult Run(string workingDirectory, params string[] args) => Run(workingDirectory, ChildProcess.Dotnet(), args, expectSuccess: true);

    private ProcessResult Run(string workingDirectory, string fileName, string[] args, bool expectSuccess = true)
    {
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work.FullName, "packages") };
        if (fileName != ChildProcess.Dotnet() && Path.GetDirectoryName(ChildProcess.Dotnet()) is { Length: > 0 } dotnetRoot && Path.IsPathRooted(dotnetRoot))
        {
            environment["DOTNET_ROOT"] = dotnetRoot; // the tool's apphost finds this runtime
        }

        return ChildProcess.Run(fileName, workingDirectory, args, environment, ProcessLimit, expectSuccess);
    }
}
