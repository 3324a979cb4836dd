using AotBot.Hosting;
using AotBot.Sources;
using AotBot.Testing.FaultServer;
using AotBot.Tests.Http;

namespace AotBot.Tests.Hosting;

/// <summary>The capabilities report to <see cref="BotMetrics"/> where the events happen.</summary>
public sealed class MetricsWiringSpecs
{
    [Fact]
    public async Task I_can_see_downloaded_files_and_bytes_in_the_metrics()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/a.jpeg", FaultReply.Bytes(70_000, contentType: "image/jpeg"));
        server.Map("/b.mp4", FaultReply.Bytes(30_000, chunked: true));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        await using (await http.Downloader.DownloadAsync(new MediaFile([server.Url("/a.jpeg")]), DownloadContext.Plain(), CancellationToken.None))
        await using (await http.Downloader.DownloadAsync(new MediaFile([server.Url("/b.mp4")]), DownloadContext.Plain(), CancellationToken.None))
        {
        }
        var text = http.Get<BotMetrics>().Render();

        // Assert
        Assert.Contains("\naotbot_downloads_total 2\n", text);
        Assert.Contains("\naotbot_download_bytes_total 100000\n", text);
    }
}
