using System.Net;
using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FaultServer;

namespace AotBot.Tests.Http;

public sealed class AddressGuardSpecs
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:c0a8:0101::1")]
    public void I_get_private_and_reserved_addresses_refused(string address)
    {
        Assert.False(AddressGuard.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("172.15.0.1")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void I_get_public_addresses_allowed(string address)
    {
        Assert.True(AddressGuard.IsPublic(IPAddress.Parse(address)));
    }

    [Fact]
    public async Task I_get_a_private_address_refused_without_a_request_and_allowed_with_the_setting()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Text("ok"));
        var (time, logs) = HttpTestData.Clock();
        await using var guarded = HttpTestData.Layer(time, logs, ("Http:AllowPrivateNetworks", "false"));
        await using var open = HttpTestData.Layer(time, logs, ("Http:AllowPrivateNetworks", "true"));

        // Act
        var error = await Assert.ThrowsAsync<HttpFetchException>(() =>
            guarded.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None));
        var requestsWhileGuarded = server.Requests.Count;
        var page = await open.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal(HttpFailure.NetworkError, error.Failure);
        Assert.Equal(0, requestsWhileGuarded);
        Assert.Empty(logs.RetryDelays);
        Assert.Equal("ok", page.Body);
    }

    [Fact]
    public async Task I_get_a_name_that_resolves_to_loopback_refused_while_an_override_target_is_allowed()
    {
        // Arrange: localhost resolves to 127.0.0.1, found only after DNS; the override points at 127.0.0.1 itself
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Text("ok"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:AllowPrivateNetworks", "false"),
            ("Http:HostOverrides:www.tiktok.com", server.BaseUrl.ToString()));

        // Act
        var refused = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(new Uri($"http://localhost:{server.Port}/p"), DownloadContext.Plain(), CancellationToken.None));
        var media = await Assert.ThrowsAsync<NetworkException>(() =>
            http.Downloader.DownloadAsync(new MediaFile([new Uri($"http://localhost:{server.Port}/p")]), DownloadContext.Plain(), CancellationToken.None));
        var page = await http.WebClient.GetPageAsync(new Uri("https://www.tiktok.com/p"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal(HttpFailure.NetworkError, refused.Failure);
        Assert.Contains("loopback, private or reserved", refused.Message);
        Assert.Contains("loopback, private or reserved", media.Message);
        Assert.Contains(logs.Lines, l => l.EventId == 2003 && l.Message.Contains("localhost"));
        Assert.Equal("ok", page.Body);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task I_get_another_port_of_an_override_targets_host_refused()
    {
        // Arrange: the override trusts 127.0.0.1 on the fake's port, not every service of 127.0.0.1
        await using var trusted = FaultServer.Start();
        trusted.Map("/p", FaultReply.Text("ok"));
        await using var intranet = FaultServer.Start();
        intranet.Map("/secret", FaultReply.Text("secret"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:AllowPrivateNetworks", "false"),
            ("Http:HostOverrides:www.tiktok.com", trusted.BaseUrl.ToString()));

        // Act
        var refused = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(intranet.Url("/secret"), DownloadContext.Plain(), CancellationToken.None));
        var page = await http.WebClient.GetPageAsync(new Uri("https://www.tiktok.com/p"), DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Contains("loopback, private or reserved", refused.Message);
        Assert.Empty(intranet.Requests);
        Assert.Equal("ok", page.Body);
    }

    [Fact]
    public async Task I_get_a_redirect_to_a_private_address_refused_on_its_hop()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Redirect($"http://localhost:{server.Port}/secret")).Map("/secret", FaultReply.Text("secret"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:AllowPrivateNetworks", "false"),
            ("Http:HostOverrides:www.tiktok.com", server.BaseUrl.ToString()));

        // Act
        var error = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(new Uri("https://www.tiktok.com/p"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(HttpFailure.NetworkError, error.Failure);
        Assert.Empty(server.RequestsTo("/secret"));
    }

    [Fact]
    public async Task I_get_a_redirect_to_another_scheme_refused()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/p", FaultReply.Redirect("file:///etc/passwd"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        var error = await Assert.ThrowsAsync<HttpFetchException>(() =>
            http.WebClient.GetPageAsync(server.Url("/p"), DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(HttpFailure.NetworkError, error.Failure);
        Assert.Contains("Only http and https", error.Message);
    }
}
