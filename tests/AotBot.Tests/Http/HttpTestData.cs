using AotBot.Testing.FaultServer;
using AotBot.Sources;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Http;

/// <summary>Builds the HTTP layer against a <see cref="FaultServer"/> with fake time that jumps over retry pauses.</summary>
internal static class HttpTestData
{
    public static HttpLayerHost Layer(FakeTimeProvider time, RecordingLogs logs, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Http:AllowPrivateNetworks"] = "true",
            ["Http:MaxAttempts"] = "3",
        };
        foreach (var (key, value) in settings) all[key] = value;
        return new HttpLayerHost(all, time, logs);
    }

    public static (FakeTimeProvider Time, RecordingLogs Logs) Clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        return (time, new RecordingLogs { AdvanceOnRetry = time });
    }
}

internal static class DownloadedFileAssert
{
    /// <summary>Asserts the file holds <paramref name="length"/> bytes of the FaultServer pattern.</summary>
    public static async Task HoldsPattern(AotBot.Http.DownloadedFile file, long length)
    {
        Assert.Equal(length, file.Length);
        await using var stream = file.OpenRead();
        var buffer = new byte[81920];
        long offset = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
                if (buffer[i] != FaultReply.PatternAt(offset + i))
                    Assert.Fail($"Byte {offset + i} is {buffer[i]}, expected {FaultReply.PatternAt(offset + i)}.");
            offset += read;
        }
        Assert.Equal(length, offset);
    }
}
