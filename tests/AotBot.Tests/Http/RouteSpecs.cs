using System.Net;
using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;

namespace AotBot.Tests.Http;

/// <summary>
/// Trust follows the route a request took, not the address it names: only requests our code addressed through
/// settings (host overrides, operator endpoints such as the fallback API, the Telegram client) may reach a private
/// address. Private networks are NOT allowed in any of these specs.
/// </summary>
public sealed class RouteSpecs
{
    private static readonly (string, string) Guarded = ("Http:AllowPrivateNetworks", "false");

    [Fact]
    public async Task I_get_the_exact_address_of_an_override_target_refused_while_its_name_reaches_it()
    {
        // Arrange
        await using var target = FaultServer.Start();
        target.Map("/p", FaultReply.Text("ok")).Map("/v.mp4", FaultReply.Bytes(100));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, Guarded, ("Http:HostOverrides:www.tiktok.com", target.BaseUrl.ToString()));

        // Act: the operator route opens a connection first, so a reuse of it would show as a request
        var page = await http.WebClient.GetPageAsync(new Uri("https://www.tiktok.com/p"), DownloadContext.Plain(), CancellationToken.None);
        var refusedPage = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(target.Url("/p"), DownloadContext.Plain(), CancellationToken.None));
        var refusedMedia = await Assert.ThrowsAsync<NetworkException>(() =>
            http.Downloader.DownloadAsync(new MediaFile([target.Url("/v.mp4")]), DownloadContext.Plain(), CancellationToken.None));
        await using var media = await http.Downloader.DownloadAsync(
            new MediaFile([new Uri("https://www.tiktok.com/v.mp4")]), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal("ok", page.Body);
        Assert.Equal(HttpFailure.NetworkError, refusedPage.Failure);
        Assert.Contains("loopback, private or reserved", refusedPage.Message);
        Assert.Contains("loopback, private or reserved", refusedMedia.Message);
        Assert.Equal(100, media.Length);
        Assert.Equal(["/p", "/v.mp4"], target.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task I_get_a_redirect_from_an_override_target_to_its_own_address_refused_and_a_relative_one_followed()
    {
        // Arrange
        await using var target = FaultServer.Start();
        target.Map("/out", FaultReply.Redirect($"http://127.0.0.1:{target.Port}/secret"))
            .Map("/in", FaultReply.Redirect("/page"))
            .Map("/page", FaultReply.Text("page"))
            .Map("/secret", FaultReply.Text("secret"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, Guarded, ("Http:HostOverrides:www.tiktok.com", target.BaseUrl.ToString()));

        // Act
        var refused = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(new Uri("https://www.tiktok.com/out"), DownloadContext.Plain(), CancellationToken.None));
        var followed = await http.WebClient.GetPageAsync(new Uri("https://www.tiktok.com/in"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal(HttpFailure.NetworkError, refused.Failure);
        Assert.Empty(target.RequestsTo("/secret"));
        Assert.Equal("page", followed.Body);
        Assert.Contains(logs.Lines, l => l.EventId == 2003 && l.Message.Contains("127.0.0.1"));
    }

    [Fact]
    public async Task I_can_reach_an_operator_endpoint_on_a_private_address_but_not_a_host_it_redirects_to()
    {
        // Arrange: the fallback API at a bare loopback address, as the operator configured it; it redirects once
        // within itself and once to another local service
        await using var api = FaultServer.Start();
        await using var intranet = FaultServer.Start();
        intranet.Map("/secret", FaultReply.Text("secret"));
        api.Map("/detail", FaultReply.Redirect("/detail2"))
            .Map("/detail2", FaultReply.Text("{\"ok\":1}"))
            .Map("/away", FaultReply.Redirect($"http://localhost:{intranet.Port}/secret"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, Guarded);
        DownloadContext Operator() => DownloadContext.Plain() with { OperatorEndpoint = true };

        // Act
        var answer = await http.WebClient.GetPageAsync(api.Url("/detail"), Operator(), CancellationToken.None);
        var away = await Assert.ThrowsAsync<HttpFetchException>(() => http.WebClient.GetPageAsync(api.Url("/away"), Operator(), CancellationToken.None));
        var sameUrlFromData = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(api.Url("/detail"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal("{\"ok\":1}", answer.Body);
        Assert.Equal(HttpFailure.NetworkError, away.Failure);
        Assert.Equal(HttpFailure.NetworkError, sameUrlFromData.Failure);
        Assert.Empty(intranet.Requests);
        Assert.Equal(["/detail", "/detail2", "/away"], api.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task I_get_the_telegram_api_address_refused_to_third_party_urls_while_the_telegram_client_reaches_it()
    {
        // Arrange: a local Bot API server on loopback
        await using var botApi = FaultServer.Start();
        botApi.Map("/bot1:x/getMe", FaultReply.Text("{\"ok\":true}", contentType: "application/json"));
        botApi.Map("/bot1:x/logOut", FaultReply.Text("{\"ok\":true}", contentType: "application/json"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, Guarded, ("Telegram:ApiBaseUrl", botApi.BaseUrl.ToString()));
        var client = http.Get<TelegramHttpClient>().Client;

        // Act
        var me = await client.GetStringAsync(botApi.Url("/bot1:x/getMe"));
        var refused = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(botApi.Url("/bot1:x/logOut"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal("{\"ok\":true}", me);
        Assert.Equal(HttpFailure.NetworkError, refused.Failure);
        Assert.Equal(["/bot1:x/getMe"], botApi.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task I_get_a_private_literal_refused_before_it_reaches_a_proxy_unless_an_override_routes_it()
    {
        // Arrange: the fault server plays the proxy
        await using var proxy = FaultServer.Start();
        proxy.Map("/p", FaultReply.Text("via proxy"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, Guarded, ("Http:Proxy", proxy.BaseUrl.ToString()),
            ("Http:HostOverrides:cdn.example", "http://10.0.0.5/"));

        // Act
        var refused = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(new Uri("http://10.0.0.5/p"), DownloadContext.Plain(), CancellationToken.None));
        var routed = await http.WebClient.GetPageAsync(new Uri("http://cdn.example/p"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal(HttpFailure.NetworkError, refused.Failure);
        Assert.Equal("via proxy", routed.Body);
        Assert.Equal("http://10.0.0.5/p", Assert.Single(proxy.Requests).Target);
    }
}
