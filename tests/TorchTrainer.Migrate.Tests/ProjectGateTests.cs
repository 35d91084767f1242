using TorchTrainer.Migrate.Tests.Fixtures;
using TorchTrainer.TestSupport;

namespace TorchTrainer.Migrate.Tests;

/// <summary>
/// The CI gate on MSBuild projects, end to end with the shipped analyzers and a real restore: projects reference the
/// real TorchTrainer as a package from a local folder feed (the only package source, so nothing is fetched), are never
/// restored by the test (the tool restores, as dotnet format does), and sit in a root next to a folder the tool must
/// not touch.
/// </summary>
public sealed class ProjectGateTests
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(5); // a hang guard, not a timing assertion

    private const string Release = """
        using TorchTrainer;

        namespace Demo;

        public static class Report
        {
        #if DEBUG
            public static string Last(TrainingResults r) => $"debug {r.FinalLoss}";
        #else
            public static string Last(TrainingResults r) => $"release {r.LossHistory[^1]}";
        #endif
        }

        """;

    /// <summary>
    /// A local folder feed holding the real TorchTrainer.dll as the package TorchTrainer <see cref="RealTorchTrainer.PackageVersion"/>
    /// (a .nupkg of its own, no dependencies: the analysed code only uses the results API); one per test run.
    /// </summary>
    private static readonly Lazy<string> Feed = new(() =>
    {
        var feed = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trainer-migrate-tests", "feed-" + Guid.NewGuid().ToString("N"))).FullName;
        using var zip = System.IO.Compression.ZipFile.Open(System.IO.Path.Combine(feed, $"TorchTrainer.{RealTorchTrainer.PackageVersion}.nupkg"), System.IO.Compression.ZipArchiveMode.Create);
        using (var nuspec = new StreamWriter(zip.CreateEntry("TorchTrainer.nuspec").Open()))
        {
            nuspec.Write($"""
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                  <metadata><id>TorchTrainer</id><version>{RealTorchTrainer.PackageVersion}</version><authors>tests</authors><description>The TorchTrainer.dll these tests were built with.</description></metadata>
                </package>
                """);
        }

        System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(zip, RealTorchTrainer.AssemblyPath, "lib/net8.0/TorchTrainer.dll");

        // A package that brings TorchTrainer only as a dependency: what only a restore can tell.
        using var reports = System.IO.Compression.ZipFile.Open(System.IO.Path.Combine(feed, $"{ReportsPackage}.1.0.0.nupkg"), System.IO.Compression.ZipArchiveMode.Create);
        using (var nuspec = new StreamWriter(reports.CreateEntry($"{ReportsPackage}.nuspec").Open()))
        {
            nuspec.Write($"""
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                  <metadata><id>{ReportsPackage}</id><version>1.0.0</version><authors>tests</authors><description>Depends on TorchTrainer.</description>
                    <dependencies><group targetFramework="net8.0"><dependency id="TorchTrainer" version="{RealTorchTrainer.PackageVersion}" /></group></dependencies>
                  </metadata>
                </package>
                """);
        }

        return feed;
    });

    /// <summary>The feed's package that depends on TorchTrainer (and holds nothing else).</summary>
    private const string ReportsPackage = "Acme.TrainingReports";

    /// <summary>A root folder ("repo") with a nuget.config, and a sibling folder with a legacy use the tool must leave alone.</summary>
    private sealed class GateRoot : IDisposable
    {
        private readonly TempDir _dir = new();

        public GateRoot()
        {
            Root = System.IO.Path.Combine(_dir.Path, "repo");
            Directory.CreateDirectory(Root);
            // The feed is the only source; packages are extracted into a folder of this test's own (the shared cache is a
            // read-only fallback, for the targeting packs), so nothing is fetched and the shared cache is left alone.
            NuGetConfigFile.Write(Root, System.IO.Path.Combine(_dir.Path, "packages"), ("local", Feed.Value));
            File.WriteAllText(System.IO.Path.Combine(_dir.Path, "Directory.Build.props"), "<Project />");
            File.WriteAllText(System.IO.Path.Combine(_dir.Path, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(System.IO.Path.Combine(_dir.Path, "Directory.Packages.props"), "<Project />");
            _dir.Write("outside/Legacy.cs", "public static class Outside { public static double L(TorchTrainer.TrainingResults r) => r.LossHistory[^1]; }\n");
            Outside = Hash();
        }

        public string Root { get; }

        /// <summary>Everything outside the root, hashed when the workspace was made.</summary>
        public string Outside { get; }

        public string At(string relative) => System.IO.Path.Combine(Root, relative);

        public void Write(string relative, string text) => _dir.Write(System.IO.Path.Combine("repo", relative), text);

        public string Text(string relative) => File.ReadAllText(At(relative));

        public void Project(string name, string properties, string items = "", string? packageVersion = null) =>
            Write($"{name}/{name}.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>{properties}<Nullable>enable</Nullable></PropertyGroup>
                  <ItemGroup>{(packageVersion is null ? "" : $"<PackageReference Include=\"TorchTrainer\" Version=\"{packageVersion}\" />")}{items}</ItemGroup>
                </Project>
                """);

        /// <summary>Every folder and file outside the root (the sibling folder and the stub MSBuild files; the test's package folder aside), hashed.</summary>
        public string Hash() =>
            string.Join("\n", Gate.GateInputs.Snapshot(_dir.Path, name => name is "repo" or "packages").Select(kv => $"{kv.Key} {kv.Value}"));

        public void Dispose() => _dir.Dispose();
    }

    private static string Tfm(string framework) => $"<TargetFramework>{framework}</TargetFramework>";

    [Fact]
    public async Task A_never_restored_project_is_restored_found_and_migrated()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        const string code = "using TorchTrainer;\n\nnamespace App;\n\npublic static class Report\n{\n    public static double Last(TrainingResults r) => r.LossHistory[^1];\n}\n";
        ws.Write("App/Report.cs", code);
        Assert.False(Directory.Exists(ws.At("App/obj")), "the test input must start unrestored");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);
        Assert.Contains("1 of 1 input(s) analysed completely", check.Output);
        Assert.Contains("evaluating 1 project(s) with MSBuild\nrestoring 1 project(s) that can get packages\n", check.Error); // progress as each step starts

        var apply = await Tool.RunAsync(ws.Root, "App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("App/Report.cs"));

        var recheck = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task Never_restored_projects_of_one_name_in_a_scanned_folder_are_restored_together_and_found()
    {
        // A folder of samples often holds two projects of one name (two WebApi.csproj); a solution refuses them in one
        // solution folder, so the generated solution that restores a folder's projects must keep them apart.
        using var ws = new GateRoot();
        const string code = "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n";
        foreach (var sample in new[] { "first", "second" })
        {
            ws.Write($"{sample}/App/App.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>{Tfm("net10.0")}</PropertyGroup>
                  <ItemGroup><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" /></ItemGroup>
                </Project>
                """);
            ws.Write($"{sample}/App/Report.cs", code);
        }

        var check = await Tool.RunAsync(ws.Root, "--check", ".");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("2 legacy use(s) found", check.Output);
        Assert.Contains("2 of 2 input(s) analysed completely", check.Output);

        var apply = await Tool.RunAsync(ws.Root, ".");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("second/App/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Theory]
    [InlineData(".")]
    [InlineData("All.slnx")]
    public async Task A_project_that_stops_the_restore_of_the_others_is_not_analysed_and_the_others_are_restored_and_found(string input)
    {
        // A project whose restore graph cannot be made (NETSDK1100: a Windows project on Linux; here a target that fails)
        // stops `dotnet restore` before NuGet runs, for every project restored with it.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        const string code = "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n";
        ws.Write("App/Report.cs", code);
        ws.Write("Desktop/Desktop.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>{Tfm("net10.0")}</PropertyGroup>
              <ItemGroup><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" /></ItemGroup>
              <Target Name="OnlyOnItsOwnMachine" BeforeTargets="_GenerateRestoreProjectSpec">
                <Error Code="ACME1" Text="this project restores on its own machine only" />
              </Target>
            </Project>
            """);
        ws.Write("All.slnx", """<Solution><Project Path="App/App.csproj" /><Project Path="Desktop/Desktop.csproj" /></Solution>""");

        var check = await Tool.RunAsync(ws.Root, "--check", input);

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: Desktop/Desktop.csproj: restore failed: ACME1: this project restores on its own machine only", check.Error.Replace('\\', '/'));
        Assert.Contains("1 legacy use(s) found", check.Output);
        Assert.Contains("1 of 2 input(s) analysed completely", check.Output);

        var apply = await Tool.RunAsync(ws.Root, input);
        Assert.True(apply.ExitCode == 2, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("App/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_project_whose_intermediate_folder_names_the_configuration_is_decided_from_the_assets_its_restore_wrote()
    {
        // As TorchSharp's own build does (bin/obj/AnyCPU.Debug/): a restore without a configuration writes the Debug
        // folder's assets file, and Release's, which the gate evaluates, does not exist.
        using var ws = new GateRoot();
        ws.Write("Directory.Build.props", "<Project><PropertyGroup><Configuration Condition=\"'$(Configuration)' == ''\">Debug</Configuration>"
            + "<BaseIntermediateOutputPath>$(MSBuildThisFileDirectory)artifacts/obj/$(Configuration)/$(MSBuildProjectName)/</BaseIntermediateOutputPath></PropertyGroup></Project>");
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        const string code = "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n";
        ws.Write("App/Report.cs", code);

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.True(File.Exists(ws.At("artifacts/obj/Debug/App/project.assets.json")), "the restore writes the default configuration's assets");
        Assert.Contains("1 legacy use(s) found", check.Output);

        var apply = await Tool.RunAsync(ws.Root, "App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("App/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_key_set_at_run_time_that_can_be_a_legacy_key_is_not_analysed_and_one_that_cannot_passes()
    {
        // TRN0002 sees constant keys only; TorchTrainer 5.0 throws on r[key] when key holds "loss_history".
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        const string safe = """
            using TorchTrainer;

            namespace App;

            public static class Report
            {
                public static void All(TrainingResults r, string[] args)
                {
                    foreach (var key in r.Keys) { System.Console.WriteLine(r[key]); }
                    System.Console.WriteLine(r[args[0]]);
                }
            }

            """;
        ws.Write("App/Report.cs", safe);
        var clean = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");
        Assert.True(clean.ExitCode == 0, clean.ToString()); // keys from the results or the user: nothing to tell

        ws.Write("App/Keys.cs", """
            using TorchTrainer;

            namespace App;

            public static class Keys
            {
                public static readonly string Loss = "loss_history";

                public static object? Pick(TrainingResults r, bool validation)
                {
                    var key = validation ? "val_loss_history" : "final_loss";
                    return r[key];
                }

                public static object? Field(TrainingResults r) => r[Loss];

                public static object? Read(TrainingResults r, string name) => r[name];

                public static object? Caller(TrainingResults r) => Read(r, "loss_history");
            }

            """);
        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        var error = check.Error.Replace('\\', '/');
        Assert.Contains("error: not analysed: App/Keys.cs:12: the string-keyed view is read with a key set at run time, which can be the legacy key \"val_loss_history\" (set at line 11)", error);
        Assert.Contains("error: not analysed: App/Keys.cs:15: the string-keyed view is read with a key set at run time, which can be the legacy key \"loss_history\" (set at line 7)", error);
        Assert.Contains("error: not analysed: App/Keys.cs:17: the string-keyed view is read with a key set at run time, which can be the legacy key \"loss_history\" (set at line 19)", error);
        Assert.DoesNotContain("App/Report.cs", error);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_legacy_member_looked_up_by_name_on_the_results_is_not_analysed_and_one_on_a_type_of_the_users_own_passes()
    {
        // typeof(TrainingResults).GetProperty("LossHistory") finds nothing in TorchTrainer 5.0, at run time.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        const string own = """
            using System.Linq.Expressions;

            namespace App;

            public sealed class Row { public double[] LossHistory { get; } = []; }

            public static class Columns
            {
                public static object? Own(Row row) => typeof(Row).GetProperty("LossHistory")?.GetValue(row);

                public static Expression Tree() => Expression.Property(Expression.Parameter(typeof(Row), "row"), "LossHistory");
            }

            """;
        ws.Write("App/Columns.cs", own);
        var clean = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");
        Assert.True(clean.ExitCode == 0, clean.ToString());

        ws.Write("App/Report.cs", """
            using System.Linq.Expressions;
            using TorchTrainer;

            namespace App;

            public static class Report
            {
                public static object? Typed(TrainingResults r) => typeof(TrainingResults).GetProperty("LossHistory")?.GetValue(r);

                public static object? Boxed(object results) => results.GetType().GetProperty("ValLossHistory")?.GetValue(results);

                public static Expression Tree() => Expression.Property(Expression.Parameter(typeof(TrainingResults), "r"), "LossHistory");
            }

            """);
        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        var error = check.Error.Replace('\\', '/');
        Assert.Contains("error: not analysed: App/Report.cs:8: 'LossHistory' is looked up by name (Type.GetProperty)", error);
        Assert.Contains("error: not analysed: App/Report.cs:10: 'ValLossHistory' is looked up by name (Type.GetProperty)", error);
        Assert.Contains("error: not analysed: App/Report.cs:12: 'LossHistory' is looked up by name (Expression.Property)", error);
        Assert.DoesNotContain("App/Columns.cs", error);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_project_that_gets_TorchTrainer_only_through_another_package_is_restored_found_and_migrated()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), items: $"""<PackageReference Include="{ReportsPackage}" Version="1.0.0" />""");
        const string code = "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n";
        ws.Write("App/Report.cs", code);

        var check = await Tool.RunAsync(ws.Root, "--check", "-v", "detailed", "App/App.csproj");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("App/App.csproj: references TorchTrainer (decided by MSBuild evaluation: TorchTrainer/", check.Error.Replace('\\', '/'));
        Assert.Contains("1 legacy use(s) found", check.Output);

        var apply = await Tool.RunAsync(ws.Root, "App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("App/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Theory]
    [InlineData("<TargetFrameworks>net8.0;net10.0</TargetFrameworks>", "'$(TargetFramework)' == 'net10.0'")] // one target framework's reference: invisible to the outer evaluation
    [InlineData("<TargetFramework>net10.0</TargetFramework>", "'$(Configuration)' == 'Debug'")]               // a Debug-only reference: invisible to the gate's Release evaluation
    public async Task A_conditional_package_reference_the_gate_evaluation_does_not_see_is_still_restored_and_found(string frameworks, string condition)
    {
        using var ws = new GateRoot();
        ws.Project("App", frameworks, items: $"""<PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" Condition="{condition}" />""");
        const string code = "namespace App;\n\npublic static class Report\n{\n#if NET10_0_OR_GREATER && DEBUG\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n#endif\n}\n";
        ws.Write("App/Report.cs", code);

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);
        Assert.Contains("1 of 1 input(s) analysed completely", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_package_reference_in_an_import_only_Debug_takes_is_still_restored_and_found()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), items: """</ItemGroup><Import Project="debug.props" Condition="'$(Configuration)' == 'Debug'" /><ItemGroup>""");
        ws.Write("App/debug.props", $"""<Project><ItemGroup><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" /></ItemGroup></Project>""");
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n#if DEBUG\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n#endif\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_package_reference_in_a_file_the_SDK_imports_only_for_Debug_is_still_restored_and_found()
    {
        // The hook is a property; the SDK's own targets do the import, only when Debug sets it.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), items: """</ItemGroup><PropertyGroup Condition="'$(Configuration)' == 'Debug'"><CustomBeforeMicrosoftCommonTargets>$(MSBuildThisFileDirectory)debug.targets</CustomBeforeMicrosoftCommonTargets></PropertyGroup><ItemGroup>""");
        ws.Write("App/debug.targets", $"""<Project><ItemGroup><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" /></ItemGroup></Project>""");
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n#if DEBUG\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n#endif\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Theory]
    [InlineData("TorchTrainer.dll")] // a Reference by path: its Include is a file, not an assembly name
    [InlineData("Vendor.Deps.dll")]  // a renamed copy: only its metadata says it is TorchTrainer
    public async Task An_assembly_reference_by_path_to_TorchTrainer_is_found(string fileName)
    {
        using var ws = new GateRoot();
        Directory.CreateDirectory(ws.At("libs"));
        File.Copy(RealTorchTrainer.AssemblyPath, ws.At($"libs/{fileName}"));
        ws.Project("App", Tfm("net10.0"), items: $"""<Reference Include="../libs/{fileName}" />""");
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_project_reference_to_a_missing_project_is_not_analysed_not_passed()
    {
        using var ws = new GateRoot();
        // No package anywhere, but the referenced project (which might bring TorchTrainer) is not there: nothing can
        // tell what this project compiles against, so it must not pass as "does not reference TorchTrainer".
        ws.Project("App", Tfm("net10.0"), items: """<ProjectReference Include="../Training/Training.csproj" />""");
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: App/App.csproj: its ProjectReference ../Training/Training.csproj does not exist", check.Error);
        Assert.Contains("0 of 1 input(s) analysed completely", check.Output);
        Assert.DoesNotContain("does not reference TorchTrainer", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_legacy_name_read_from_a_type_the_compiler_cannot_find_is_not_analysed_not_passed()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        // Results come from a generated file that is not there (CS0103): the analyzers cannot see that r is TorchTrainer's.
        const string code = "namespace App;\n\npublic static class Report\n{\n    public static void Print()\n    {\n        var r = GeneratedRuns.Latest();\n        System.Console.WriteLine(r.LossHistory[^1]);\n        System.Console.WriteLine(r[\"val_loss_history\"]);\n    }\n}\n";
        ws.Write("App/Report.cs", code);

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: App/Report.cs:8: 'LossHistory' does not bind: the type it is read from is unknown here", check.Error);
        Assert.Contains("error: not analysed: App/Report.cs:9: '\"val_loss_history\"' does not bind", check.Error);
        Assert.Contains("0 of 1 input(s) analysed completely", check.Output);
        Assert.Equal(code, ws.Text("App/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task No_restore_on_a_never_restored_project_exits_2_naming_the_cause()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "--no-restore", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: App/App.csproj: not restored:", check.Error);
        Assert.Contains("project.assets.json does not exist (run dotnet restore first, or drop --no-restore)", check.Error);
        Assert.Contains("0 of 1 input(s) analysed completely", check.Output);
        Assert.DoesNotContain("does not reference TorchTrainer", check.Output);
        Assert.False(File.Exists(ws.At("App/obj/project.assets.json")), "--no-restore must not restore");
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_project_whose_restore_fails_exits_2_with_the_restore_error()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), items: """<PackageReference Include="TorchTrainer.NoSuchPackage" Version="1.2.3" />""", packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");
        ws.Project("Fine", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("Fine/Code.cs", "namespace Fine;\n\npublic static class Code\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.FinalLoss;\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", ".");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: App/App.csproj: restore failed: NU1101", check.Error);
        Assert.Contains("TorchTrainer.NoSuchPackage", check.Error);
        Assert.Contains("1 of 2 input(s) analysed completely", check.Output);
        Assert.DoesNotContain("does not reference TorchTrainer", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_use_in_the_Release_branch_of_if_DEBUG_is_found_and_fixed_and_a_Release_build_is_clean()
    {
        using var ws = new GateRoot();
        var analyzers = Path.Combine(AppContext.BaseDirectory, "TorchTrainer.Analyzers.dll");
        ws.Project("App", Tfm("net10.0"), items: $"""<Analyzer Include="{analyzers}" />""", packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/Report.cs", Release);

        // Debug (what a design-time build loads) compiles the clean branch; the use is in the branch Release compiles.
        var check = await Tool.RunAsync(ws.Root, "--check", "-v", "detailed", "App/App.csproj");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("App/Report.cs:10:", check.Output.Replace('\\', '/'));
        Assert.Contains("[1/1] App/App.csproj: 1 legacy use(s), 1 fixable (2 configuration(s))", check.Error.Replace('\\', '/'));

        var apply = await Tool.RunAsync(ws.Root, "App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(Release.ReplaceOnce("release {r.LossHistory[^1]}", "release {r.FinalLoss}"), ws.Text("App/Report.cs"));
        var recheck = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());

        // The build a user ships: Release, with the analyzers on. Not a legacy use left.
        var build = ChildProcess.Run(ChildProcess.Dotnet(), ws.Root, ["build", "App/App.csproj", "-c", "Release"], new Dictionary<string, string>(), BuildLimit, expectSuccess: true);
        Assert.DoesNotContain("TRN0001", build.StdOut + build.StdErr);
        Assert.DoesNotContain("TRN0002", build.StdOut + build.StdErr);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Theory]
    [InlineData("<PackageReference Include=\"TorchTrainer\" Version=\"{0}\" Condition=\"'$(OS)' == 'Windows_NT'\" />", "PackageReference TorchTrainer in App.csproj (line 3), under the condition '$(OS)' == 'Windows_NT'")]
    [InlineData("<PackageReference Include=\"TorchTrainer\" Version=\"{0}\" Condition=\"'$(UseTorch)' == 'true'\" />", "PackageReference TorchTrainer in App.csproj (line 3), under the condition '$(UseTorch)' == 'true'")]
    [InlineData("<PackageReference Include=\"TorchTrainer\" Version=\"{0}\" Condition=\"'$(Configuration)' == 'Production'\" />", "PackageReference TorchTrainer in App.csproj (line 3), under the condition '$(Configuration)' == 'Production'")]
    public async Task A_TorchTrainer_reference_under_a_condition_no_analysed_configuration_meets_is_not_analysed_not_skipped(string reference, string named)
    {
        // On Linux the project compiles without TorchTrainer (its Windows code is left out); on Windows it reads LossHistory.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), items: string.Format(System.Globalization.CultureInfo.InvariantCulture, reference, RealTorchTrainer.PackageVersion)
            + "<Compile Remove=\"Windows/**\" Condition=\"'$(OS)' != 'Windows_NT' and '$(UseTorch)' != 'true'\" />");
        ws.Write("App/Windows/Report.cs", "public static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");
        ws.Write("App/Clean.cs", "public static class Clean { }\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains($"error: not analysed: App/App.csproj: its {named}, which no configuration or target framework analysed here takes", check.Error.Replace('\\', '/'));
        Assert.Contains("0 of 1 input(s) analysed completely", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_TorchTrainer_reference_in_a_file_imported_under_a_condition_no_analysed_configuration_meets_is_not_analysed()
    {
        // The condition sits on the Import, not on the reference: the imported file is not imported on Linux at all.
        using var ws = new GateRoot();
        ws.Write("App/Windows.props", $"<Project>\n  <ItemGroup>\n    <PackageReference Include=\"TorchTrainer\" Version=\"{RealTorchTrainer.PackageVersion}\" />\n  </ItemGroup>\n</Project>\n");
        ws.Project("App", Tfm("net10.0"), items: "<Compile Remove=\"Windows/**\" Condition=\"'$(OS)' != 'Windows_NT'\" /></ItemGroup><Import Project=\"Windows.props\" Condition=\"'$(OS)' == 'Windows_NT'\" /><ItemGroup>");
        ws.Write("App/Windows/Report.cs", "public static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: App/App.csproj: its PackageReference TorchTrainer in Windows.props (line 3), imported under the condition '$(OS)' == 'Windows_NT' in App.csproj, "
            + "which no configuration or target framework analysed here takes", check.Error.Replace('\\', '/'));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_ProjectReference_under_a_condition_no_analysed_configuration_meets_to_a_TorchTrainer_project_is_not_analysed()
    {
        // On Windows, App gets TorchTrainer through Training and compiles its Windows code against it; on Linux, neither.
        using var ws = new GateRoot();
        ws.Project("Training", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("Training/Clean.cs", "public static class Clean { }\n");
        ws.Project("App", Tfm("net10.0"), items: "<ProjectReference Include=\"../Training/Training.csproj\" Condition=\"'$(OS)' == 'Windows_NT'\" />"
            + "<Compile Remove=\"Windows/**\" Condition=\"'$(OS)' != 'Windows_NT'\" />");
        ws.Write("App/Windows/Report.cs", "public static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: App/App.csproj: its ProjectReference ../Training/Training.csproj in App.csproj (line 3), under the condition '$(OS)' == 'Windows_NT' "
            + "(a project that references TorchTrainer: PackageReference TorchTrainer), which no configuration or target framework analysed here takes", check.Error.Replace('\\', '/'));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_file_no_analysed_configuration_compiles_is_not_analysed_and_a_nested_projects_files_are_its_own()
    {
        // TorchTrainer is referenced everywhere, but the Windows code is compiled on Windows only: on Linux no analysed
        // configuration sees its legacy read. A nested project's file (compiled there) is not this project's.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), items: "<Compile Remove=\"Windows/**;Tool/**\" Condition=\"'$(OS)' != 'Windows_NT'\" />", packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/Windows/Report.cs", "public static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");
        ws.Write("App/Clean.cs", "public static class Clean\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.FinalLoss;\n}\n");
        ws.Write("App/Tool/Tool.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        ws.Write("App/Tool/LossHistory.cs", "public sealed class LossHistory { }\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: App/Windows/Report.cs:3: 'LossHistory' in a C# file in the project's folder that none of its analysed configurations", check.Error.Replace('\\', '/'));
        Assert.DoesNotContain("Tool/LossHistory.cs", check.Error.Replace('\\', '/'));
        Assert.Contains("0 of 1 input(s) analysed completely", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Theory]
    [InlineData("<NoWarn>$(NoWarn);TRN0001</NoWarn>", "", "", "NoWarn or a rule set")]
    [InlineData("<WarningLevel>0</WarningLevel>", "", "", "warnings turned off (WarningLevel 0)")]
    [InlineData("", "dotnet_diagnostic.TRN0001.severity = none", "", ".editorconfig")]
    [InlineData("", "", "#pragma warning disable TRN0001\n", "#pragma warning disable, [SuppressMessage] or a suppressor")]
    public async Task A_legacy_rule_the_project_turns_off_is_still_checked_and_fixed(string property, string editorconfig, string pragma, string how)
    {
        // Silencing the warning does not keep the code working under TorchTrainer 5.0: the gate must not pass it.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0") + property, packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/.editorconfig", $"root = true\n\n[*.cs]\n{editorconfig}\n");
        var code = $"{pragma}public static class Report\n{{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}}\n";
        ws.Write("App/Report.cs", code);

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains($"warning: App: TRN0001 is turned off here ({how}); its uses are reported and fixed all the same", check.Error + check.Output);

        var apply = await Tool.RunAsync(ws.Root, "App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("App/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_legacy_name_in_source_the_compiler_treats_as_generated_is_not_analysed_unless_editorconfig_says_otherwise()
    {
        // The analyzers skip generated code, by the compiler's rule: a name like *.g.cs, or an <auto-generated> comment at the top.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/Model.g.cs", "public static class Model\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");
        ws.Write("App/Header.cs", "// <auto-generated />\npublic static class Header\n{\n    public static object V(TorchTrainer.TrainingResults r) => r.ValLossHistory;\n}\n");
        ws.Write("App/Hand.g.cs", "public static class Hand\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n");
        ws.Write("App/.editorconfig", "root = true\n\n[Hand.g.cs]\ngenerated_code = false\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 2, check.ToString());
        var error = check.Error.Replace('\\', '/');
        Assert.Contains("error: not analysed: App/Model.g.cs:3: 'LossHistory' in a file the compiler treats as generated code (its name, Model.g.cs)", error);
        Assert.Contains("error: not analysed: App/Header.cs:4: 'ValLossHistory' in a file the compiler treats as generated code (an <auto-generated> comment at its top)", error);
        Assert.DoesNotContain("Hand.g.cs", error);
        Assert.Contains("would change: App/Hand.g.cs", check.Output.Replace('\\', '/'));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_file_based_app_that_reads_results_through_a_hash_colon_project_is_checked_fixed_and_passes()
    {
        // The app's results come from a type of the project it names (#:project); that project's build output does not exist.
        using var ws = new GateRoot();
        ws.Project("Lib", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("Lib/Runs.cs", "public static class Runs\n{\n    public static TorchTrainer.TrainingResults Load(string path) => TorchTrainer.TrainingResults.Load(path);\n}\n");
        const string app = "#:project ../Lib/Lib.csproj\nvar r = Runs.Load(\"results.json\");\nSystem.Console.WriteLine(r.LossHistory[^1]);\n";
        ws.Write("app/report.cs", app);

        var check = await Tool.RunAsync(ws.Root, "--check", "app/report.cs");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 of 1 input(s) analysed completely", check.Output);
        Assert.DoesNotContain("unresolved", check.Error + check.Output);

        var apply = await Tool.RunAsync(ws.Root, "app/report.cs");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(app.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("app/report.cs"));
        var recheck = await Tool.RunAsync(ws.Root, "--check", "app/report.cs");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_TorchTrainer_reference_only_for_a_framework_the_project_does_not_target_is_skipped()
    {
        // A condition on what the gate analyses in full (configurations, target frameworks) is not a reason to stop.
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), items: $"<PackageReference Include=\"TorchTrainer\" Version=\"{RealTorchTrainer.PackageVersion}\" Condition=\"'$(TargetFramework)' == 'net8.0'\" />");
        ws.Write("App/Clean.cs", "public static class Clean { }\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("App/App.csproj (App): does not reference TorchTrainer; skipped", check.Output.Replace('\\', '/'));
        Assert.Contains("1 of 1 input(s) analysed completely", check.Output);
    }

    [Fact]
    public async Task A_package_reference_only_Release_takes_is_restored_and_analysed_under_Release_and_a_Release_build_is_clean()
    {
        using var ws = new GateRoot();
        var analyzers = Path.Combine(AppContext.BaseDirectory, "TorchTrainer.Analyzers.dll");
        ws.Project("App", Tfm("net10.0"), items: $"""<Analyzer Include="{analyzers}" /><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" Condition="'$(Configuration)' == 'Release'" />""");
        const string code = """
            namespace App;

            public static class Report
            {
            #if RELEASE
                public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];
            #endif
            }

            """;
        ws.Write("App/Report.cs", code);

        // Restored for Debug only (what a plain dotnet restore does), the project has no TorchTrainer to compile against:
        // without a restore of its own the tool cannot analyse its Release code, and says so.
        ChildProcess.Run(ChildProcess.Dotnet(), ws.Root, ["restore", "App/App.csproj"], new Dictionary<string, string>(), BuildLimit, expectSuccess: true);
        var unrestored = await Tool.RunAsync(ws.Root, "--check", "--no-restore", "App/App.csproj");
        Assert.True(unrestored.ExitCode == 2, unrestored.ToString());
        Assert.Contains("error: not analysed: App/App.csproj: it references TorchTrainer only under Release", unrestored.Error.Replace('\\', '/'));
        Assert.Contains("0 of 1 input(s) analysed completely", unrestored.Output);

        // Debug's design-time build does not reference TorchTrainer; the tool restores and loads the project under Release.
        var check = await Tool.RunAsync(ws.Root, "--check", "-v", "detailed", "App/App.csproj");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("App/Report.cs:6:", check.Output.Replace('\\', '/'));
        Assert.Contains("[1/1] App/App.csproj: 1 legacy use(s), 1 fixable (1 configuration(s))", check.Error.Replace('\\', '/'));
        Assert.Contains("1 of 1 input(s) analysed completely", check.Output);
        var before = ChildProcess.Run(ChildProcess.Dotnet(), ws.Root, ["build", "App/App.csproj", "-c", "Release"], new Dictionary<string, string>(), BuildLimit, expectSuccess: true);
        Assert.Contains("TRN0001", before.StdOut); // what the gate stands for: the Release build warns

        var apply = await Tool.RunAsync(ws.Root, "App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("App/Report.cs"));
        var recheck = await Tool.RunAsync(ws.Root, "--check", "App/App.csproj");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());

        var after = ChildProcess.Run(ChildProcess.Dotnet(), ws.Root, ["build", "App/App.csproj", "-c", "Release"], new Dictionary<string, string>(), BuildLimit, expectSuccess: true);
        Assert.DoesNotContain("TRN0001", after.StdOut + after.StdErr);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Theory]
    [InlineData("Fs", "fsproj", "an F#", "<DisableImplicitFSharpCoreReference>true</DisableImplicitFSharpCoreReference>", "Report.fs", "module Report\nlet last (r: TorchTrainer.TrainingResults) = r.LossHistory.[0]\n")]
    [InlineData("Vb", "vbproj", "a Visual Basic", "", "Report.vb", "Public Module Report\n    Public Function Last(r As TorchTrainer.TrainingResults) As Double\n        Return r.LossHistory(0)\n    End Function\nEnd Module\n")]
    public async Task A_project_in_another_language_that_references_TorchTrainer_is_not_analysed_not_passed(string name, string extension, string kind, string properties, string file, string code)
    {
        using var ws = new GateRoot();
        ws.Write($"{name}/{name}.{extension}", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework>{properties}</PropertyGroup>
              <ItemGroup><Compile Include="{file}" Condition="'{extension}' == 'fsproj'" /><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" /></ItemGroup>
            </Project>
            """);
        ws.Write($"{name}/{file}", code);
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.FinalLoss;\n}\n");
        ws.Write("all.slnx", $"""
            <Solution>
              <Project Path="App/App.csproj" />
              <Project Path="{name}/{name}.{extension}" />
            </Solution>
            """);

        var check = await Tool.RunAsync(ws.Root, "--check", "all.slnx");

        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains($"error: not analysed: {name}/{name}.{extension}: {kind} project that references TorchTrainer (", check.Error.Replace('\\', '/'));
        Assert.Contains("1 of 2 input(s) analysed completely", check.Output);
        Assert.Equal(code, ws.Text($"{name}/{file}"));

        // Checked without it (a solution filter that leaves it out, as Visual Studio writes one), the gate passes: nothing C# is left.
        ws.Write("csharp.slnf", """{"solution": {"path": "all.slnx", "projects": ["App\\App.csproj"]}}""");
        var csharpOnly = await Tool.RunAsync(ws.Root, "--check", "-v", "detailed", "csharp.slnf");
        Assert.True(csharpOnly.ExitCode == 0, csharpOnly.ToString());
        Assert.Contains("evaluating 1 project(s) with MSBuild", csharpOnly.Error);
        Assert.Contains("1 of 1 input(s) analysed completely", csharpOnly.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_project_whose_path_has_a_folder_named_bin_is_analysed_not_passed_as_build_output()
    {
        // A checkout under ~/bin, or a repository folder named obj: only the project's own bin and obj hold build output.
        using var ws = new GateRoot();
        ws.Write("bin/App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>{Tfm("net10.0")}</PropertyGroup>
              <ItemGroup><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" /></ItemGroup>
            </Project>
            """);
        const string code = "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n";
        ws.Write("bin/App/obj2/Report.cs", code);

        var check = await Tool.RunAsync(ws.Root, "--check", "bin/App/App.csproj");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("1 legacy use(s) found", check.Output);

        var apply = await Tool.RunAsync(ws.Root, "bin/App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("bin/App/obj2/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_legacy_name_in_Razor_markup_is_not_analysed_not_passed()
    {
        // Razor's C# is generated; the analyzers skip generated code, as the build does (it does not warn here either).
        using var ws = new GateRoot();
        ws.Write("Web/Web.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk.Razor">
              <PropertyGroup>{Tfm("net10.0")}</PropertyGroup>
              <ItemGroup><FrameworkReference Include="Microsoft.AspNetCore.App" /><PackageReference Include="TorchTrainer" Version="{RealTorchTrainer.PackageVersion}" /></ItemGroup>
            </Project>
            """);
        const string page = """
            <p>Validation: @Results["val_loss_history"]</p>
            @code {
                [Parameter] public TorchTrainer.TrainingResults Results { get; set; } = default!;
            }

            """;
        ws.Write("Web/Loss.razor", page);

        var check = await Tool.RunAsync(ws.Root, "--check", "Web/Web.csproj");
        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: Web/Loss.razor:1: '\"val_loss_history\"' in Razor markup", check.Error.Replace('\\', '/'));
        Assert.Contains("0 of 1 input(s) analysed completely", check.Output);
        Assert.Equal(page, ws.Text("Web/Loss.razor"));

        // Migrated by hand, the page passes.
        ws.Write("Web/Loss.razor", page.ReplaceOnce("@Results[\"val_loss_history\"]", "@Results.MetricsSummary.ValLoss"));
        var recheck = await Tool.RunAsync(ws.Root, "--check", "Web/Web.csproj");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_use_only_Release_on_a_framework_compiles_is_found_and_fixed_and_a_Release_build_is_clean()
    {
        // Release is derived from evaluation, whose DefineConstants lack the framework symbols the SDK adds in a target.
        using var ws = new GateRoot();
        var analyzers = Path.Combine(AppContext.BaseDirectory, "TorchTrainer.Analyzers.dll");
        ws.Project("App", Tfm("net10.0"), items: $"""<Analyzer Include="{analyzers}" />""", packageVersion: RealTorchTrainer.PackageVersion);
        const string code = "namespace App;\n\npublic static class Report\n{\n#if NET8_0_OR_GREATER && RELEASE\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n#endif\n}\n";
        ws.Write("App/Report.cs", code);

        var check = await Tool.RunAsync(ws.Root, "--check", "-v", "detailed", "App/App.csproj");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("App/Report.cs:6:", check.Output.Replace('\\', '/'));

        var apply = await Tool.RunAsync(ws.Root, "App/App.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("App/Report.cs"));
        var build = ChildProcess.Run(ChildProcess.Dotnet(), ws.Root, ["build", "App/App.csproj", "-c", "Release"], new Dictionary<string, string>(), BuildLimit, expectSuccess: true);
        Assert.DoesNotContain("TRN0001", build.StdOut + build.StdErr);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_project_MSBuild_cannot_evaluate_is_not_analysed_and_a_solution_filter_without_it_passes()
    {
        // As a .vcxproj is on Linux: its imports are not there. What it references cannot be known.
        using var ws = new GateRoot();
        ws.Write("Native/Native.csproj", """<Project Sdk="Microsoft.NET.Sdk"><Import Project="../toolchain/missing.props" /></Project>""");
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("App/Report.cs", "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.FinalLoss;\n}\n");
        ws.Write("all.slnx", "<Solution>\n  <Project Path=\"App/App.csproj\" />\n  <Project Path=\"Native/Native.csproj\" />\n</Solution>\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "all.slnx");
        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("error: not analysed: Native/Native.csproj: MSBuild evaluation failed:", check.Error.Replace('\\', '/'));
        Assert.Contains("or a solution filter (.slnf) that leaves it out", check.Error);

        ws.Write("app.slnf", """{"solution": {"path": "all.slnx", "projects": ["App/App.csproj"]}}""");
        var filtered = await Tool.RunAsync(ws.Root, "--check", "app.slnf");
        Assert.True(filtered.ExitCode == 0, filtered.ToString());
        Assert.Contains("1 of 1 input(s) analysed completely", filtered.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_shared_project_is_analysed_through_the_project_that_imports_it()
    {
        // A .shproj cannot be evaluated without Visual Studio and is not built on its own; its files are compiled by the
        // projects that import its .projitems, and analysed there.
        using var ws = new GateRoot();
        ws.Write("Shared/Shared.shproj", """
            <Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
              <Import Project="$(MSBuildExtensionsPath32)\Microsoft\VisualStudio\v$(VisualStudioVersion)\CodeSharing\Microsoft.CodeSharing.Common.Default.props" />
              <Import Project="Shared.projitems" Label="Shared" />
            </Project>
            """);
        ws.Write("Shared/Shared.projitems", """<Project><ItemGroup><Compile Include="$(MSBuildThisFileDirectory)Helpers.cs" /></ItemGroup></Project>""");
        const string code = "public static class Helpers\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n";
        ws.Write("Shared/Helpers.cs", code);
        ws.Project("App", Tfm("net10.0"), items: """</ItemGroup><Import Project="../Shared/Shared.projitems" Label="Shared" /><ItemGroup>""", packageVersion: RealTorchTrainer.PackageVersion);
        ws.Write("all.slnx", "<Solution>\n  <Project Path=\"App/App.csproj\" />\n  <Project Path=\"Shared/Shared.shproj\" />\n</Solution>\n");

        var check = await Tool.RunAsync(ws.Root, "--check", "all.slnx");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("would change: Shared/Helpers.cs", check.Output.Replace('\\', '/'));
        Assert.Contains("skipped: Shared/Shared.shproj: a shared project; its files are analysed in the projects that import it", check.Output.Replace('\\', '/'));
        Assert.Contains("2 of 2 input(s) analysed completely", check.Output);

        var apply = await Tool.RunAsync(ws.Root, "all.slnx");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.LossHistory[^1]", "r.FinalLoss"), ws.Text("Shared/Helpers.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_multi_targeted_project_gives_the_same_verdict_every_time()
    {
        using var ws = new GateRoot();
        ws.Project("Lib", "<TargetFrameworks>net8.0;net10.0</TargetFrameworks>", packageVersion: RealTorchTrainer.PackageVersion);
        const string code = """
            using TorchTrainer;

            namespace Lib;

            public static class Stats
            {
            #if NET10_0_OR_GREATER
                public static double Last(TrainingResults r) => r.FinalLoss;
            #else
                public static double Last(TrainingResults r) => r.ValLossHistory[^1];
            #endif
            }

            """;
        ws.Write("Lib/Stats.cs", code);

        var outputs = new List<string>();
        for (var run = 0; run < 5; run++)
        {
            var check = await Tool.RunAsync(ws.Root, "--check", "-v", "d", "Lib/Lib.csproj");
            Assert.True(check.ExitCode == 1, $"run {run + 1} of 5: {check}");
            outputs.Add(string.Join("\n", check.Output.Split('\n').Where(l => !l.StartsWith("trainer-migrate (check)", StringComparison.Ordinal))));
            Assert.Contains("Lib/Stats.cs:10:", check.Output.Replace('\\', '/'));
            Assert.Contains("[1/1] Lib/Lib.csproj: 1 legacy use(s), 1 fixable", check.Error.Replace('\\', '/'));
        }

        Assert.All(outputs, o => Assert.Equal(outputs[0], o));

        var apply = await Tool.RunAsync(ws.Root, "Lib/Lib.csproj");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(code.ReplaceOnce("r.ValLossHistory[^1]", "r.MetricsSummary.ValLoss[^1]"), ws.Text("Lib/Stats.cs"));
        var recheck = await Tool.RunAsync(ws.Root, "--check", "Lib/Lib.csproj");
        Assert.True(recheck.ExitCode == 0, recheck.ToString());
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task A_use_no_configuration_compiles_is_not_analysed_and_exits_2()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        const string code = """
            using TorchTrainer;

            namespace App;

            public static class Report
            {
                public static double Last(TrainingResults r) => r.FinalLoss;
            #if SOMETHING_NEVER_DEFINED
                public static double Old(TrainingResults r) => r["val_loss_history"][0];
            #endif
            }

            """;
        ws.Write("App/Report.cs", code);

        foreach (var mode in new[] { "--check", "--dry-run" })
        {
            var run = await Tool.RunAsync(ws.Root, mode, "App/App.csproj");
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("error: not analysed: App/Report.cs:9: inactive under every configuration (Debug|net10.0, Release|net10.0)", run.Error.Replace('\\', '/'));
            Assert.Contains("'\"val_loss_history\"'", run.Error);
            Assert.Contains("0 of 1 input(s) analysed completely", run.Output);
        }

        Assert.Equal(code, ws.Text("App/Report.cs"));
        Assert.Equal(ws.Outside, ws.Hash());
    }

    [Fact]
    public async Task Only_the_project_that_references_TorchTrainer_is_loaded()
    {
        using var ws = new GateRoot();
        ws.Project("App", Tfm("net10.0"), packageVersion: RealTorchTrainer.PackageVersion);
        const string code = "namespace App;\n\npublic static class Report\n{\n    public static double Last(TorchTrainer.TrainingResults r) => r.LossHistory[^1];\n}\n";
        ws.Write("App/Report.cs", code);
        ws.Project("Tools", Tfm("net10.0"));
        ws.Write("Tools/Code.cs", "namespace Tools;\n\npublic static class LossHistory { }\n");
        ws.Project("Web", Tfm("net10.0"), items: """<ProjectReference Include="../Tools/Tools.csproj" />""");
        ws.Write("Web/Code.cs", "namespace Web;\n\npublic static class C { }\n");
        ws.Write("all.slnx", """
            <Solution>
              <Project Path="App/App.csproj" />
              <Project Path="Tools/Tools.csproj" />
              <Project Path="Web/Web.csproj" />
            </Solution>
            """);

        var check = await Tool.RunAsync(ws.Root, "--check", "-v", "detailed", "all.slnx");

        Assert.True(check.ExitCode == 1, check.ToString());
        var detail = check.Error.Replace('\\', '/');
        Assert.Contains("Tools/Tools.csproj: does not reference TorchTrainer (decided by MSBuild evaluation: no PackageReference, and no TorchTrainer project or assembly reference, in it or its ProjectReference closure (decided before any restore: none is needed)", detail);
        Assert.Contains("Web/Web.csproj: does not reference TorchTrainer (decided by MSBuild evaluation: no PackageReference", detail);
        Assert.Contains("MSBuild evaluation of 3 project(s)", detail);
        Assert.Contains("2 settled without a restore, 1 depend on one", detail);

        // Only the project whose verdict depends on a restore was restored (through a filter of the solution).
        Assert.True(File.Exists(ws.At("App/obj/project.assets.json")), check.ToString());
        Assert.False(Directory.Exists(ws.At("Tools/obj")), check.ToString());
        Assert.False(Directory.Exists(ws.At("Web/obj")), check.ToString());
        Assert.Contains("App/App.csproj: references TorchTrainer (decided by MSBuild evaluation: TorchTrainer/", detail);
        var loads = detail.Split('\n').Where(l => l.StartsWith("loading ", StringComparison.Ordinal)).ToList();
        Assert.Single(loads);
        Assert.Contains("(part 1/1, 1 projects)", loads[0]);
        Assert.Contains("[1/1] App/App.csproj: 1 legacy use(s), 1 fixable", detail);
        Assert.Contains("3 of 3 input(s) analysed completely", check.Output);
        Assert.Equal(ws.Outside, ws.Hash());
    }
}
