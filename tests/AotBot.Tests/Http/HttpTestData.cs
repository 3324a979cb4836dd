using AotBot.Testing.FaultServer;
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
