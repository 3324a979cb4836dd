using System.Runtime.InteropServices;
using AotBot.Core;
using AotBot.Hosting;
using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;
using Microsoft.Extensions.Logging.Abstractions;

namespace AotBot.Tests.Http;

public sealed class DownloadSpecs
{
    [Fact]
    public async Task I_can_download_a_small_file_into_memory_with_its_content_type()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/img.jpeg", FaultReply.Bytes(70_000, contentType: "image/jpeg"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        await using var file = await http.Downloader.DownloadAsync(new MediaFile([server.Url("/img.jpeg")]), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.NotNull(file.Memory);
        Assert.Equal("image/jpeg", file.ContentType);
        await DownloadedFileAssert.HoldsPattern(file, 70_000);
    }

    [Theory]
    [InlineData(40_000, 65_536)]
    [InlineData(70_000, 70_000)]
    [InlineData(1_500_000, 1_500_000)]
    public async Task I_can_download_a_body_of_64_KB_or_more_into_an_array_of_its_exact_size_and_smaller_ones_into_pooled_arrays(
        int length, int arrayLength)
    {
        // Arrange: a pooled array is rounded up to a power of two and stays in the pool after the burst
        await using var server = FaultServer.Start();
        server.Map("/img.heic", FaultReply.Bytes(length, contentType: "image/heic"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        await using var file = await http.Downloader.DownloadAsync(new MediaFile([server.Url("/img.heic")]), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.True(MemoryMarshal.TryGetArray(file.Memory!.Value, out var array));
        Assert.Equal(arrayLength, array.Array!.Length);
        await DownloadedFileAssert.HoldsPattern(file, length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task I_can_download_a_file_over_the_memory_limit_into_a_temp_file_deleted_on_dispose(bool chunked)
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/v.mp4", FaultReply.Bytes(1_000_000, chunked));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:MemoryBufferLimit", "65536"));

        // Act
        var file = await http.Downloader.DownloadAsync(new MediaFile([server.Url("/v.mp4")]), DownloadContext.Plain(), CancellationToken.None);
        var path = Assert.IsType<TempDownloadedFile>(file).FilePath;
        var existed = File.Exists(path);
        await DownloadedFileAssert.HoldsPattern(file, 1_000_000);
        await file.DisposeAsync();

        // Assert
        Assert.Null(file.Memory);
        Assert.True(existed);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bodies_past_the_memory_total_of_all_jobs_go_to_temp_files_until_held_ones_are_freed(bool chunked)
    {
        // Arrange: each body fits the per-body limit; two do not fit the total
        await using var server = FaultServer.Start();
        server.Map("/i.heic", FaultReply.Bytes(300_000, chunked));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:MemoryBufferLimit", "1000000"), ("Http:MemoryBufferTotal", "500000"));
        var memory = http.Get<MediaMemory>();
        var file = new MediaFile([server.Url("/i.heic")]);

        // Act
        var first = await http.Downloader.DownloadAsync(file, DownloadContext.Plain(), CancellationToken.None);
        var second = await http.Downloader.DownloadAsync(file, DownloadContext.Plain(), CancellationToken.None);
        var heldWithBoth = memory.Held;
        var firstInMemory = first.Memory is not null;
        await first.DisposeAsync();
        var third = await http.Downloader.DownloadAsync(file, DownloadContext.Plain(), CancellationToken.None);
        var heldAfter = memory.Held;

        // Assert: the second went to a file with the same bytes; freeing the first made room for the third
        Assert.True(firstInMemory);
        Assert.IsType<TempDownloadedFile>(second);
        await DownloadedFileAssert.HoldsPattern(second, 300_000);
        Assert.Equal(300_000, heldWithBoth);
        Assert.NotNull(third.Memory);
        Assert.Equal(300_000, heldAfter);
        await second.DisposeAsync();
        await third.DisposeAsync();
        Assert.Equal(0, memory.Held);
    }

    [Fact]
    public void Over_the_memory_budget_nothing_more_is_kept_in_memory_whatever_room_the_total_has()
    {
        // Arrange
        var used = 50L;
        var budget = new MemoryBudget(100, () => Interlocked.Read(ref used), TimeProvider.System, NullLogger<MemoryBudget>.Instance);
        var memory = new MediaMemory(1_000_000, budget);

        // Act
        var under = memory.TryTake(1000);
        Interlocked.Exchange(ref used, 150);
        var over = memory.TryTake(1000);

        // Assert
        Assert.True(under);
        Assert.False(over);
        Assert.Equal(1000, memory.Held);
    }

    [Fact]
    public async Task I_get_too_large_from_the_content_length_before_any_body_byte_is_read()
    {
        // Arrange: the body never comes, so only a check of the header can end this
        await using var server = FaultServer.Start();
        server.Map("/v.mp4", FaultReply.Bytes(10_000_000) with { Fault = Fault.Stall, CutAfter = 0 });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var error = await Assert.ThrowsAsync<MediaTooLargeException>(() =>
            http.Downloader.DownloadAsync(new MediaFile([server.Url("/v.mp4")]), DownloadContext.Plain(), CancellationToken.None, maxBytes: 5_000_000));

        // Assert
        Assert.Equal(10_000_000, error.Bytes);
        Assert.Single(server.RequestsTo("/v.mp4"));
    }

    [Fact]
    public async Task I_get_too_large_as_soon_as_an_endless_chunked_body_passes_the_cap()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/v.mp4", FaultReply.Bytes(0) with { Endless = true });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Limits:MaxUploadBytes", "3000000"), ("Http:MemoryBufferLimit", "1000000"));

        // Act
        var error = await Assert.ThrowsAsync<MediaTooLargeException>(() =>
            http.Downloader.DownloadAsync(new MediaFile([server.Url("/v.mp4")]), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Null(error.Bytes);
        Assert.Single(server.RequestsTo("/v.mp4"));
    }

    [Fact]
    public async Task I_get_too_large_from_the_web_client_for_an_endless_page()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Bytes(0, contentType: "text/html") with { Endless = true });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var error = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(HttpFailure.TooLarge, error.Failure);
        Assert.Single(server.RequestsTo("/p"));
    }

    [Fact]
    public async Task I_can_download_from_the_fallback_url_when_the_first_is_gone()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/a.mp4", FaultReply.Code(404)).Map("/b.mp4", FaultReply.Bytes(1000));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        await using var file = await http.Downloader.DownloadAsync(
            new MediaFile([server.Url("/a.mp4"), server.Url("/b.mp4")]), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        await DownloadedFileAssert.HoldsPattern(file, 1000);
        Assert.Single(server.RequestsTo("/a.mp4"));
    }

    [Fact]
    public async Task I_get_the_first_urls_failure_when_every_url_fails()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/a.mp4", FaultReply.Code(403)).Map("/b.mp4", FaultReply.Code(404)).Map("/c.mp4", FaultReply.Code(502));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var forbidden = await Assert.ThrowsAsync<HttpFetchException>(() => http.Downloader.DownloadAsync(
            new MediaFile([server.Url("/a.mp4"), server.Url("/b.mp4")]), DownloadContext.Plain(), CancellationToken.None));
        var network = await Assert.ThrowsAsync<NetworkException>(() => http.Downloader.DownloadAsync(
            new MediaFile([server.Url("/c.mp4")]), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(HttpFailure.Forbidden, forbidden.Failure);
        Assert.Equal(502, Assert.IsType<HttpFetchException>(network.InnerException).StatusCode);
        Assert.Equal(3, server.RequestsTo("/c.mp4").Count);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8", "<!DOCTYPE html><html><body>Verify you are human</body></html>")]
    [InlineData("video/mp4", "\r\n  <html><head><title>Access Denied</title></head></html>")]
    [InlineData("application/json", "{\"error\":\"link expired\"}")]
    public async Task I_get_a_web_page_answered_instead_of_media_refused_and_the_next_url_tried(string contentType, string body)
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/a.mp4", FaultReply.Text(body, contentType: contentType)).Map("/b.mp4", FaultReply.Bytes(10_000));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var refused = await Assert.ThrowsAsync<NetworkException>(() => http.Downloader.DownloadAsync(
            new MediaFile([server.Url("/a.mp4")]), DownloadContext.Plain(), CancellationToken.None));
        await using var file = await http.Downloader.DownloadAsync(
            new MediaFile([server.Url("/a.mp4"), server.Url("/b.mp4")]), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Contains("instead of media", refused.Message);
        Assert.Equal(2, server.RequestsTo("/a.mp4").Count);
        await DownloadedFileAssert.HoldsPattern(file, 10_000);
    }

    [Fact]
    public async Task I_can_download_several_files_in_order_and_learn_which_one_failed()
    {
        // Arrange
        await using var server = FaultServer.Start();
        for (var i = 0; i < 6; i++) server.Map($"/{i}.jpeg", FaultReply.Bytes(10_000 + i));
        server.Map("/3.jpeg", FaultReply.Code(404));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:DownloadsPerJob", "2"));
        var files = Enumerable.Range(0, 6).Select(i => new MediaFile([server.Url($"/{i}.jpeg")])).ToList();

        // Act
        var outcomes = await http.Downloader.DownloadAllAsync(files, DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal(6, outcomes.Count);
        for (var i = 0; i < 6; i++)
        {
            if (i == 3) continue;
            Assert.Null(outcomes[i].Error);
            await DownloadedFileAssert.HoldsPattern(outcomes[i].File!, 10_000 + i);
            await outcomes[i].File!.DisposeAsync();
        }
        Assert.Null(outcomes[3].File);
        Assert.Equal(HttpFailure.NotFound, Assert.IsType<HttpFetchException>(outcomes[3].Error).Failure);
    }

    [Fact]
    public async Task I_can_send_the_jobs_headers_and_the_default_user_agent()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/v.mp4", FaultReply.Bytes(10));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:UserAgent", "AotBotTest/1.0"));
        var job = DownloadContext.Plain() with { Headers = new Dictionary<string, string> { ["Referer"] = "https://www.tiktok.com/" } };

        // Act
        await using var file = await http.Downloader.DownloadAsync(new MediaFile([server.Url("/v.mp4")]), job, CancellationToken.None);

        // Assert
        var request = Assert.Single(server.RequestsTo("/v.mp4"));
        Assert.Equal("https://www.tiktok.com/", request.Headers["referer"]);
        Assert.Equal("AotBotTest/1.0", request.Headers["user-agent"]);
    }
}
