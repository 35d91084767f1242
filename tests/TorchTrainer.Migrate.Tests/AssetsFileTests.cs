using System.Text.Json;
using TorchTrainer.Migrate.Workspace;

namespace TorchTrainer.Migrate.Tests;

/// <summary>What a user reads when a restore fails: NuGet's logged errors from project.assets.json, each once, on one line.</summary>
public sealed class AssetsFileTests
{
    [Fact]
    public void An_unreachable_source_logged_once_per_package_is_one_error_on_one_line()
    {
        // As NuGet logs an unreachable source: the same NU1301 for each package, the socket error's line breaks inside.
        const string message = "Unable to load the service index for source https://feed.invalid/v3/index.json.\n  Name or service not known (feed.invalid:443)\n  Name or service not known";
        var logs = Enumerable.Range(0, 4).Select(i => new { code = "NU1301", level = "Error", message, libraryId = $"Package{i}" })
            .Append(new { code = "NU1603", level = "Warning", message = "a warning", libraryId = "Package0" });
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(new { version = 3, logs }));

        var errors = AssetsFile.ErrorLogs(document.RootElement);

        Assert.Equal(["NU1301: Unable to load the service index for source https://feed.invalid/v3/index.json. Name or service not known (feed.invalid:443) Name or service not known"], errors);
    }
}
