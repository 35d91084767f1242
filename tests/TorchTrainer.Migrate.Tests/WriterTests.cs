using System.Text;
using TorchTrainer.Migrate.Output;

namespace TorchTrainer.Migrate.Tests;

public sealed class WriterTests
{
    [Fact]
    public void Writes_atomically_keeping_BOM_and_leaving_no_temp_file()
    {
        using var dir = new TempDir();
        var path = dir.Write("a.cs", "old\r\n", bom: true);
        var writer = new ChangeWriter([dir.Path], write: true);

        var (outcome, _) = writer.Commit(new FileChange(path, "old\r\n", "new\r\n"));

        Assert.Equal(ChangeOutcome.Written, outcome);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("new\r\n")), dir.Bytes("a.cs"));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_file_changed_on_disk_since_it_was_read_is_not_overwritten()
    {
        using var dir = new TempDir();
        var path = dir.Write("a.cs", "edited meanwhile\n");
        var writer = new ChangeWriter([dir.Path], write: true);

        var (outcome, message) = writer.Commit(new FileChange(path, "what we read\n", "our rewrite\n"));

        Assert.Equal(ChangeOutcome.ChangedOnDisk, outcome);
        Assert.Contains("changed on disk", message);
        Assert.Equal("edited meanwhile\n", dir.Text("a.cs"));
    }

    [Fact]
    public void A_file_whose_bytes_contradict_its_UTF8_byte_order_mark_is_not_written()
    {
        // The compiler reads the Latin-1 'é' as U+FFFD; writing its rewrite back would lose the byte.
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "a.cs");
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.ASCII.GetBytes("// caf"), 0xE9, .. Encoding.ASCII.GetBytes("\nvar x = r.LossHistory;\n")];
        File.WriteAllBytes(path, bytes);

        var (outcome, message) = new ChangeWriter([dir.Path], write: true).Commit(new FileChange(path, "// caf\uFFFD\nvar x = r.LossHistory;\n", "// caf\uFFFD\nvar x = r.FinalLoss;\n"));

        Assert.Equal(ChangeOutcome.WriteFailed, outcome);
        Assert.Contains("it starts with a UTF-8 byte order mark but is not valid UTF-8 (byte 9)", message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Files_outside_the_roots_and_check_mode_write_nothing()
    {
        using var root = new TempDir();
        using var other = new TempDir();
        var outside = other.Write("b.cs", "x\n");
        var inside = root.Write("a.cs", "x\n");

        Assert.Equal(ChangeOutcome.OutsideRoots, new ChangeWriter([root.Path], write: true).Commit(new FileChange(outside, "x\n", "y\n")).Outcome);
        Assert.Equal(ChangeOutcome.WouldWrite, new ChangeWriter([root.Path], write: false).Commit(new FileChange(inside, "x\n", "y\n")).Outcome);
        Assert.Equal("x\n", other.Text("b.cs"));
        Assert.Equal("x\n", root.Text("a.cs"));
    }

    [Fact]
    public void Keeps_the_file_mode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var path = dir.Write("run.cs", "x\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        new ChangeWriter([dir.Path], write: true).Commit(new FileChange(path, "x\n", "y\n"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Unified_diff_has_headers_and_hunks()
    {
        var diff = UnifiedDiff.Create("a.cs", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n");

        Assert.Equal("--- a/a.cs\n+++ b/a.cs\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n", diff);
    }
}
