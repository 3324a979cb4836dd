using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;

namespace AotBot.Tests.Http;

public sealed class WebClientSpecs
{
    [Fact]
    public async Task I_can_get_a_page_through_a_redirect_chain_and_see_its_logical_final_url()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/short", FaultReply.Redirect("http://www.tiktok.com/@user/video/1?lang=en", 301))
            .Map("/@user/video/1", FaultReply.Redirect("/@user/video/2", 302))
            .Map("/@user/video/2", FaultReply.Text("<html>héllo</html>"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:HostOverrides:vm.tiktok.com", server.BaseUrl.ToString()),
            ("Http:HostOverrides:www.tiktok.com", server.BaseUrl.ToString()));

        // Act
        var page = await http.WebClient.GetPageAsync(new Uri("https://vm.tiktok.com/short"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("http://www.tiktok.com/@user/video/2", page.FinalUrl.ToString());
        Assert.Equal(200, page.StatusCode);
        Assert.Equal("<html>héllo</html>", page.Body);
        Assert.Equal(["/short", "/@user/video/1?lang=en", "/@user/video/2"], server.Requests.Select(r => r.Target));
        Assert.All(server.Requests, r => Assert.Equal($"127.0.0.1:{server.Port}", r.Host));
    }

    [Fact]
    public async Task I_can_resolve_a_short_link_without_reading_the_page()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/ZMabc/", FaultReply.Redirect("https://www.tiktok.com/@u/video/7300000000000000001?x=1", 301))
            .Map("/@u/video/7300000000000000001", FaultReply.Bytes(5_000_000) with { Status = 200 });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:HostOverrides:vm.tiktok.com", server.BaseUrl.ToString()),
            ("Http:HostOverrides:www.tiktok.com", server.BaseUrl.ToString()));

        // Act
        var final = await http.WebClient.ResolveRedirectsAsync(new Uri("https://vm.tiktok.com/ZMabc/"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("https://www.tiktok.com/@u/video/7300000000000000001?x=1", final.ToString());
    }

    [Fact]
    public async Task I_can_see_the_cookies_a_page_set_sent_with_the_next_request_of_the_same_job()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/@u/video/1", FaultReply.Text("page").With("Set-Cookie", "tt_chain_token=abc; Domain=.tiktok.com; Path=/"))
            .Map("/video.mp4", FaultReply.Bytes(100));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:HostOverrides:www.tiktok.com", server.BaseUrl.ToString()),
            ("Http:HostOverrides:v16-webapp-prime.tiktok.com", server.BaseUrl.ToString()));
        var job = DownloadContext.Plain();

        // Act
        await http.WebClient.GetPageAsync(new Uri("https://www.tiktok.com/@u/video/1"), job, CancellationToken.None);
        await http.WebClient.GetPageAsync(new Uri("https://v16-webapp-prime.tiktok.com/video.mp4"), job, CancellationToken.None);
        await http.WebClient.GetPageAsync(new Uri("https://v16-webapp-prime.tiktok.com/video.mp4"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        var media = server.RequestsTo("/video.mp4");
        Assert.Equal("tt_chain_token=abc", media[0].Cookie);
        Assert.Null(media[1].Cookie);
    }
}
