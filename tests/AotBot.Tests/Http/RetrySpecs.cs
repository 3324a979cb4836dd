using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Http;

public sealed class RetrySpecs
{
    [Fact]
    public async Task I_can_get_a_page_that_answers_503_twice_and_then_200_on_the_third_attempt()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Code(503), FaultReply.Code(503), FaultReply.Text("ok"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var page = await http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("ok", page.Body);
        Assert.Equal(3, server.RequestsTo("/p").Count);
        var delays = logs.RetryDelays;
        Assert.Equal(2, delays.Count);
        Assert.InRange(delays[0], TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.InRange(delays[1], TimeSpan.Zero, TimeSpan.FromMilliseconds(1000));
    }

    [Fact]
    public async Task I_wait_exactly_the_Retry_After_seconds_of_a_429()
    {
        // Arrange: a clock that only moves when the test says so
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Code(429, ("Retry-After", "2")), FaultReply.Text("ok"));
        var time = new FakeTimeProvider();
        var logs = new RecordingLogs();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var page = http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None);
        await WaitUntil(() => logs.RetryDelays.Count == 1);
        time.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(100);
        var requestsBeforeTheTwoSeconds = server.RequestsTo("/p").Count;
        time.Advance(TimeSpan.FromMilliseconds(1));

        // Assert
        Assert.Equal("ok", (await page).Body);
        Assert.Equal(1, requestsBeforeTheTwoSeconds);
        Assert.Equal(TimeSpan.FromSeconds(2), logs.RetryDelays.Single());
        Assert.Equal(2, server.RequestsTo("/p").Count);
    }

    [Fact]
    public async Task I_wait_until_a_Retry_After_date_and_never_longer_than_the_maximum()
    {
        // Arrange
        await using var server = FaultServer.Start();
        var (time, logs) = HttpTestData.Clock();
        var date = time.GetUtcNow().AddSeconds(5).ToString("R");
        server.Map("/date", FaultReply.Code(503, ("Retry-After", date)), FaultReply.Text("ok"))
            .Map("/long", FaultReply.Code(429, ("Retry-After", "3600")), FaultReply.Text("ok"));
        await using var http = HttpTestData.Layer(time, logs, ("Http:MaxRetryAfter", "00:00:07"));

        // Act
        await http.WebClient.GetPageAsync(server.Url("/date"), DownloadContext.Plain(), CancellationToken.None);
        await http.WebClient.GetPageAsync(server.Url("/long"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)], logs.RetryDelays);
    }

    [Fact]
    public async Task I_get_rate_limited_when_the_last_attempt_still_answers_429()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Code(429));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var page = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None));
        var media = await Assert.ThrowsAsync<RateLimitedException>(() =>
            http.Downloader.DownloadAsync(new MediaFile([server.Url("/p")]), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(HttpFailure.RateLimited, page.Failure);
        Assert.Equal(HttpFailure.RateLimited, Assert.IsType<HttpFetchException>(media.InnerException).Failure);
        Assert.Equal(6, server.RequestsTo("/p").Count);
    }

    [Theory]
    [InlineData(404, HttpFailure.NotFound)]
    [InlineData(410, HttpFailure.NotFound)]
    [InlineData(401, HttpFailure.Forbidden)]
    [InlineData(403, HttpFailure.Forbidden)]
    [InlineData(400, HttpFailure.NetworkError)]
    public async Task I_get_a_typed_failure_without_a_retry_for_a_final_status(int status, HttpFailure expected)
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Code(status));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var error = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(expected, error.Failure);
        Assert.Equal(status, error.StatusCode);
        Assert.Single(server.RequestsTo("/p"));
        Assert.Empty(logs.RetryDelays);
    }

    [Theory]
    [InlineData(Fault.Reset)]
    [InlineData(Fault.Close)]
    public async Task I_can_download_a_body_whose_first_attempt_broke_off_mid_body(Fault fault)
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/v.mp4", FaultReply.Bytes(300_000) with { CutAfter = 100_000, Fault = fault }, FaultReply.Bytes(300_000));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        await using var file = await http.Downloader.DownloadAsync(new MediaFile([server.Url("/v.mp4")]), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        await DownloadedFileAssert.HoldsPattern(file, 300_000);
        Assert.Equal(2, server.RequestsTo("/v.mp4").Count);
        Assert.Single(logs.RetryDelays);
    }

    [Fact]
    public async Task I_can_see_a_stalled_body_end_its_attempt_at_the_read_idle_timeout_and_the_retry_succeed()
    {
        // Arrange: the attempt timeout is far away, so only the idle timeout can end the stalled attempt
        await using var server = FaultServer.Start();
        server.Map("/v.mp4", FaultReply.Bytes(200_000) with { CutAfter = 50_000, Fault = Fault.Stall }, FaultReply.Bytes(200_000));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:ReadIdleTimeout", "00:00:20"), ("Http:AttemptTimeout", "00:10:00"));

        // Act
        var download = http.Downloader.DownloadAsync(new MediaFile([server.Url("/v.mp4")]), DownloadContext.Plain(), CancellationToken.None);
        await WaitUntil(() => server.RequestsTo("/v.mp4") is [{ BodyBytesSent: 50_000 }]);
        var advanced = TimeSpan.Zero;
        while (logs.RetryDelays.Count == 0 && advanced < TimeSpan.FromMinutes(5))
        {
            // The read may not be pending yet; each step re-checks once it is.
            time.Advance(TimeSpan.FromSeconds(10));
            advanced += TimeSpan.FromSeconds(10);
            await Task.Delay(20);
        }
        await using var file = await download;

        // Assert
        await DownloadedFileAssert.HoldsPattern(file, 200_000);
        Assert.Contains(logs.Lines, l => l.EventId == RecordingLogs.RetryEventId && l.Message.Contains(nameof(TransientFailure.ReadIdleTimeout)));
        Assert.InRange(advanced, TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(4));
    }

    [Fact]
    public async Task I_get_a_network_error_when_every_attempt_stalls()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Text(new string('x', 10_000)) with { CutAfter = 10, Fault = Fault.Stall });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:MaxAttempts", "1"), ("Http:AttemptTimeout", "00:10:00"));

        // Act
        var page = http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None);
        while (!page.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(20);
        }
        var error = await Assert.ThrowsAsync<HttpFetchException>(() => page);

        // Assert
        Assert.Equal(HttpFailure.NetworkError, error.Failure);
        Assert.Contains(nameof(TransientFailure.ReadIdleTimeout), error.Message);
    }

    [Fact]
    public async Task I_get_a_network_error_from_the_attempt_timeout_when_no_headers_come()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", new FaultReply { SilentHead = true });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:MaxAttempts", "1"), ("Http:AttemptTimeout", "00:00:30"));

        // Act
        var page = http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None);
        await server.WaitForRequestsAsync("/p", 1);
        var advanced = await AdvanceUntil(time, () => page.IsCompleted);
        var error = await Assert.ThrowsAsync<HttpFetchException>(() => page);

        // Assert
        Assert.Equal(HttpFailure.NetworkError, error.Failure);
        Assert.Contains(nameof(TransientFailure.AttemptTimeout), error.Message);
        Assert.InRange(advanced, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task I_can_see_a_download_body_outlive_the_attempt_timeout_and_end_only_at_the_idle_timeout()
    {
        // Arrange: headers come at once, then the body stalls; the attempt timeout (5 s) no longer applies
        await using var server = FaultServer.Start();
        server.Map("/v.mp4", FaultReply.Bytes(100_000) with { CutAfter = 1000, Fault = Fault.Stall });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:MaxAttempts", "1"), ("Http:AttemptTimeout", "00:00:05"), ("Http:ReadIdleTimeout", "00:01:00"));

        // Act
        var download = http.Downloader.DownloadAsync(new MediaFile([server.Url("/v.mp4")]), DownloadContext.Plain(), CancellationToken.None);
        await WaitUntil(() => server.RequestsTo("/v.mp4") is [{ BodyBytesSent: 1000 }]);
        await Task.Delay(200); // let the client take the headers and stop the attempt clock before time moves
        var advanced = await AdvanceUntil(time, () => download.IsCompleted);
        var error = await Assert.ThrowsAsync<NetworkException>(() => download);

        // Assert
        Assert.Contains(nameof(TransientFailure.ReadIdleTimeout), error.Message);
        Assert.InRange(advanced, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task I_can_cancel_a_request_while_it_waits_to_retry()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Code(503, ("Retry-After", "5")));
        var time = new FakeTimeProvider();
        var logs = new RecordingLogs();
        await using var http = HttpTestData.Layer(time, logs);
        using var cancellation = new CancellationTokenSource();

        // Act
        var page = http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), cancellation.Token);
        await WaitUntil(() => logs.RetryDelays.Count == 1);
        cancellation.Cancel();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => page);
        Assert.Single(server.RequestsTo("/p"));
    }

    /// <summary>Moves fake time in 10 s steps (a pending read may not be armed yet at the first one) until done.</summary>
    private static async Task<TimeSpan> AdvanceUntil(FakeTimeProvider time, Func<bool> done)
    {
        var advanced = TimeSpan.Zero;
        while (!done() && advanced < TimeSpan.FromMinutes(30))
        {
            time.Advance(TimeSpan.FromSeconds(10));
            advanced += TimeSpan.FromSeconds(10);
            await Task.Delay(20);
        }
        return advanced;
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("The condition did not come true within 10 s.");
            await Task.Delay(5);
        }
    }
}
