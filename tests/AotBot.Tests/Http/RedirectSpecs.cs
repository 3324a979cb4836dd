using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;

namespace AotBot.Tests.Http;

public sealed class RedirectSpecs
{
    [Fact]
    public async Task I_can_follow_redirects_across_hosts_with_the_host_override_applied_on_every_hop()
    {
        // Arrange: a.example and b.example are two servers; relative Locations resolve against the logical URL
        await using var a = FaultServer.Start();
        await using var b = FaultServer.Start();
        a.Map("/1", FaultReply.Redirect("http://b.example/2?q=1", 301)).Map("/4", FaultReply.Text("end"));
        b.Map("/2", FaultReply.Redirect("/3", 307)).Map("/3", FaultReply.Redirect("https://a.example/4", 308));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:AllowPrivateNetworks", "false"),
            ("Http:HostOverrides:a.example", a.BaseUrl.ToString()),
            ("Http:HostOverrides:b.example", b.BaseUrl.ToString()));

        // Act
        var page = await http.WebClient.GetPageAsync(new Uri("https://a.example/1"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("end", page.Body);
        Assert.Equal(new Uri("https://a.example/4"), page.FinalUrl);
        Assert.Equal(["/1", "/4"], a.Requests.Select(r => r.Target));
        Assert.Equal(["/2?q=1", "/3"], b.Requests.Select(r => r.Target));
        Assert.All(b.Requests, r => Assert.Equal($"127.0.0.1:{b.Port}", r.Host));
    }

    [Fact]
    public async Task I_can_keep_the_base_path_of_an_override()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/cdn/v/1.mp4", FaultReply.Bytes(10));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Http:HostOverrides:v16-webapp-prime.tiktok.com", server.Url("/cdn/").ToString()));

        // Act
        await using var file = await http.Downloader.DownloadAsync(
            new MediaFile([new Uri("https://v16-webapp-prime.tiktok.com/v/1.mp4?sig=x")]), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("/cdn/v/1.mp4?sig=x", Assert.Single(server.Requests).Target);
    }

    [Fact]
    public async Task I_get_a_network_error_for_a_redirect_loop()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/a", FaultReply.Redirect("/b")).Map("/b", FaultReply.Redirect("/a"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var error = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.ResolveRedirectsAsync(server.Url("/a"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(HttpFailure.NetworkError, error.Failure);
        Assert.Contains("loop", error.Message);
        Assert.Equal(["/a", "/b"], server.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task I_get_a_network_error_after_ten_hops()
    {
        // Arrange: /0 → /1 → ... → /11
        await using var server = FaultServer.Start();
        for (var i = 0; i <= 11; i++) server.Map($"/{i}", FaultReply.Redirect($"/{i + 1}"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var error = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(server.Url("/0"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(HttpFailure.NetworkError, error.Failure);
        Assert.Equal(HttpRequestRunner.MaxRedirects + 1, server.Requests.Count);
    }

    [Fact]
    public async Task I_can_keep_the_cookies_set_on_a_redirect_for_the_next_hop()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/short", FaultReply.Redirect("/@u/video/1").With("Set-Cookie", "ttwid=1; Path=/"))
            .Map("/@u/video/1", FaultReply.Text("page"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        await http.WebClient.GetPageAsync(server.Url("/short"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("ttwid=1", server.RequestsTo("/@u/video/1").Single().Cookie);
    }
}
