using System.Text;
using TorchTrainer.Migrate.Cli;

namespace TorchTrainer.Migrate.Tests;

/// <summary>A scratch folder for one test, removed afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trainer-migrate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string text, bool bom = false)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, (bom ? new byte[] { 0xEF, 0xBB, 0xBF } : []).Concat(Encoding.UTF8.GetBytes(text)).ToArray());
        return full;
    }

    public byte[] Bytes(string relative) => File.ReadAllBytes(System.IO.Path.Combine(Path, relative));

    public string Text(string relative) => File.ReadAllText(System.IO.Path.Combine(Path, relative));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>trainer-migrate in process, with its default analyzer set: the shipped TorchTrainer analyzers and fixes.</summary>
internal static class Tool
{
    public static Task<ToolRun> RunAsync(string currentDirectory, params string[] args) => RunAsync(currentDirectory, null, args);

    public static async Task<ToolRun> RunAsync(string currentDirectory, Func<MigrateOptions, MigrateOptions>? adjust, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await MigrateCommand.RunAsync(args, output, error, analyzers: null, currentDirectory, CancellationToken.None, adjust);
        return new ToolRun(exit, output.ToString(), error.ToString());
    }
}
