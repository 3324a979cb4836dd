using AotBot.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace AotBot.Tests.Http;

public sealed class StaleTempFilesSpecs
{
    [Fact]
    public async Task At_start_up_spill_files_a_killed_run_left_over_an_hour_ago_are_removed_and_recent_ones_kept()
    {
        // Arrange: what a SIGKILL leaves (an old spill file), a live bot's spill file, and a file that is not ours
        var temp = Path.GetTempPath();
        var stale = Path.Combine(temp, $"aotbot-{Guid.NewGuid():N}.part");
        var recent = Path.Combine(temp, $"aotbot-{Guid.NewGuid():N}.part");
        var other = Path.Combine(temp, $"other-{Guid.NewGuid():N}.part");
        foreach (var path in new[] { stale, recent, other }) await File.WriteAllBytesAsync(path, new byte[100]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromHours(2));
        File.SetLastWriteTimeUtc(other, DateTime.UtcNow - TimeSpan.FromHours(2));
        try
        {
            // Act
            await new StaleTempFiles(TimeProvider.System, NullLogger<StaleTempFiles>.Instance).StartAsync(CancellationToken.None);

            // Assert
            Assert.False(File.Exists(stale));
            Assert.True(File.Exists(recent));
            Assert.True(File.Exists(other));
        }
        finally
        {
            foreach (var path in new[] { stale, recent, other }) File.Delete(path);
        }
    }
}
