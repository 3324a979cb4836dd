using AotBot.Http;
using AotBot.Testing.FaultServer;

namespace AotBot.Tests.Http;

public sealed class TelegramHttpClientSpecs
{
    [Fact]
    public async Task I_can_reach_the_telegram_api_base_on_loopback_without_retries()
    {
        // Arrange: every Telegram call is one our code addressed, so the operator route reaches loopback
        await using var server = FaultServer.Start();
        server.Map("/bot1:x/getMe", FaultReply.Code(503));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:AllowPrivateNetworks", "false"),
            ("Telegram:ApiBaseUrl", $"http://localhost:{server.Port}"));
        var client = http.Get<TelegramHttpClient>().Client;

        // Act
        using var response = await client.GetAsync($"http://localhost:{server.Port}/bot1:x/getMe");

        // Assert
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task I_can_point_the_telegram_api_host_elsewhere_with_a_host_override()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/bot1:x/getMe", FaultReply.Text("{\"ok\":true}", contentType: "application/json"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs,
            ("Http:AllowPrivateNetworks", "false"),
            ("Http:HostOverrides:api.telegram.org", server.BaseUrl.ToString()));
        var client = http.Get<TelegramHttpClient>().Client;

        // Act
        var body = await client.GetStringAsync("https://api.telegram.org/bot1:x/getMe");

        // Assert
        Assert.Equal("{\"ok\":true}", body);
    }
}
