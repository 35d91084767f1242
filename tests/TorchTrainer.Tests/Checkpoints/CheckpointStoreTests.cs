using TorchTrainer.Checkpoints;
using TorchTrainer.Tests.Training;

namespace TorchTrainer.Tests.Checkpoints;

public sealed class CheckpointStoreTests
{
    private static IReadOnlyList<CheckpointStore.Part> Parts(string text) =>
    [
        new("a.bin", s => s.Write(System.Text.Encoding.UTF8.GetBytes(text))),
        new(CheckpointState.FileName, s => System.Text.Json.JsonSerializer.Serialize(s, new CheckpointState { GlobalStep = text.Length }, CheckpointManifest.Json)),
    ];

    [Fact]
    public void A_written_checkpoint_verifies_and_only_the_newest_generations_are_kept()
    {
        var store = new CheckpointStore(Toy.TempFolder("store"), keep: 2);
        var paths = Enumerable.Range(1, 4).Select(i => store.Write(CheckpointStore.Last, Parts(new string('x', i)))).ToList();
        store.Write(CheckpointStore.Best, Parts("best"));

        Assert.All(paths.Skip(2), p => Assert.Null(CheckpointManifest.Verify(p, out _)));
        Assert.All(paths.Take(2), p => Assert.False(Directory.Exists(p)));
        Assert.Equal(paths[3], store.FindNewestValid(CheckpointStore.Last));
        Assert.Equal(3, store.Scan().Count);
        Assert.Empty(Directory.EnumerateFiles(store.Directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("delete-file")]
    [InlineData("delete-manifest")]
    [InlineData("garble-manifest")]
    public void A_damaged_checkpoint_is_detected_and_the_previous_good_one_is_used_with_a_warning(string damage)
    {
        var logger = new ListLogger();
        var store = new CheckpointStore(Toy.TempFolder("damage"), keep: 2, logger);
        var good = store.Write(CheckpointStore.Last, Parts("good one"));
        var newest = store.Write(CheckpointStore.Last, Parts("newer, and longer"));
        Damage(newest, damage);

        Assert.NotNull(CheckpointManifest.Verify(newest, out _));
        var point = store.FindResumePoint();
        Assert.Equal(good, point?.Path);
        Assert.Contains(logger.Warnings, w => w.Contains(newest));
    }

    [Fact]
    public void A_store_continues_numbering_after_existing_generations_even_incomplete_ones()
    {
        var folder = Toy.TempFolder("numbering");
        var first = new CheckpointStore(folder).Write(CheckpointStore.Last, Parts("a"));
        Directory.CreateDirectory(Path.Combine(folder, CheckpointStore.FolderName(CheckpointStore.Last, 7)));
        var next = new CheckpointStore(folder).Write(CheckpointStore.Last, Parts("b"));
        Assert.EndsWith("last-000001", first);
        Assert.EndsWith("last-000008", next);
    }

    internal static void Damage(string checkpoint, string how)
    {
        var file = Path.Combine(checkpoint, "a.bin");
        if (!File.Exists(file))
        {
            file = Path.Combine(checkpoint, "model.bin");
        }

        switch (how)
        {
            case "flip":
                var bytes = File.ReadAllBytes(file);
                bytes[bytes.Length / 2] ^= 0x40;
                File.WriteAllBytes(file, bytes);
                break;
            case "truncate":
                using (var stream = new FileStream(file, FileMode.Open))
                {
                    stream.SetLength(stream.Length / 2);
                }

                break;
            case "delete-file":
                File.Delete(file);
                break;
            case "delete-manifest":
                File.Delete(Path.Combine(checkpoint, CheckpointManifest.FileName));
                break;
            case "garble-manifest":
                File.WriteAllText(Path.Combine(checkpoint, CheckpointManifest.FileName), "{ \"files\": [ {\"name\": ");
                break;
        }
    }
}
