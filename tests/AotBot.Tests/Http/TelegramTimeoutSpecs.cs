using AotBot.Http;
using AotBot.Testing.FaultServer;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Http;

/// <summary>A Bot API that accepts the connection and never answers: every call but getUpdates ends on its own bound.</summary>
public sealed class TelegramTimeoutSpecs
{
    private const string Json = "application/json";

    [Theory]
    [InlineData(0L, 30)]
    [InlineData(256L * 1024, 31)]
    [InlineData(50L * 1024 * 1024, 230)]
    [InlineData(2L * 1024 * 1024 * 1024, 600)]
    public void I_get_an_upload_timeout_of_30_s_plus_1_s_per_256_KB_capped_at_10_minutes(long bytes, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), TelegramHttpClient.UploadTimeout(bytes));
    }

    [Fact]
    public async Task I_get_a_JSON_call_to_a_silent_Bot_API_ended_after_the_request_timeout_and_not_before()
    {
        // Arrange
        await using var api = FaultServer.Start();
        api.Map("/bot1:x/sendMessage", Silent());
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Telegram:RequestTimeout", "00:00:20"));
        var client = http.Get<TelegramHttpClient>().Client;

        // Act
        var call = client.PostAsync(api.Url("/bot1:x/sendMessage"), new StringContent("""{"chat_id":1,"text":"hi"}""", null, Json));
        await api.WaitForRequestsAsync("/bot1:x/sendMessage", 1);
        var pendingBefore = await StillPendingAfterAsync(call, time, TimeSpan.FromSeconds(19));
        var pendingAfter = await StillPendingAfterAsync(call, time, TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => call);

        // Assert
        Assert.True(pendingBefore);
        Assert.False(pendingAfter);
        Assert.Contains("sendMessage within 20 s", error.Message);
        Assert.Contains(logs.Lines, l => l.EventId == 2020 && l.Message.Contains("sendMessage") && !l.Message.Contains("1:x"));
    }

    [Fact]
    public async Task I_get_an_upload_bounded_by_its_size_rather_than_by_the_JSON_timeout()
    {
        // Arrange: 2 MB of video, so 30 s + 8 s
        await using var api = FaultServer.Start();
        api.Map("/bot1:x/sendVideo", Silent());
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Telegram:RequestTimeout", "00:00:05"));
        var client = http.Get<TelegramHttpClient>().Client;
        var upload = new MultipartFormDataContent { { new StringContent("1"), "chat_id" }, { new ByteArrayContent(new byte[2 * 1024 * 1024]), "video", "v.mp4" } };
        var size = upload.Headers.ContentLength!.Value;

        // Act
        var call = client.PostAsync(api.Url("/bot1:x/sendVideo"), upload);
        var pendingBefore = await StillPendingAfterAsync(call, time, TelegramHttpClient.UploadTimeout(size) - TimeSpan.FromSeconds(1));
        var pendingAfter = await StillPendingAfterAsync(call, time, TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => call);

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(38), TelegramHttpClient.UploadTimeout(size));
        Assert.True(pendingBefore);
        Assert.False(pendingAfter);
        Assert.Contains("sendVideo within 38 s", error.Message);
    }

    [Fact]
    public async Task I_keep_a_long_poll_open_past_the_request_timeout()
    {
        // Arrange: getUpdates is bounded by the receiver (poll timeout plus a margin), not here
        await using var api = FaultServer.Start();
        api.Map("/bot1:x/getUpdates", Silent());
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Telegram:RequestTimeout", "00:00:05"));
        var client = http.Get<TelegramHttpClient>().Client;
        using var stop = new CancellationTokenSource();

        // Act
        var call = client.PostAsync(api.Url("/bot1:x/getUpdates"), new StringContent("""{"timeout":50}""", null, Json), stop.Token);
        var pending = await StillPendingAfterAsync(call, time, TimeSpan.FromSeconds(120));
        await stop.CancelAsync();

        // Assert
        Assert.True(pending);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    private static FaultReply Silent() => FaultReply.Text("{}", contentType: Json) with { SilentHead = true };

    /// <summary>Moves fake time by <paramref name="span"/> in steps, then reports whether <paramref name="call"/> is still running.</summary>
    private static async Task<bool> StillPendingAfterAsync(Task call, FakeTimeProvider time, TimeSpan span)
    {
        for (var moved = TimeSpan.Zero; moved < span; moved += TimeSpan.FromSeconds(1))
            time.Advance(TimeSpan.FromSeconds(1) < span - moved ? TimeSpan.FromSeconds(1) : span - moved);
        // A timer that fired completes the call on the thread pool: give it a moment of real time.
        await Task.WhenAny(call, Task.Delay(300));
        return !call.IsCompleted;
    }
}
