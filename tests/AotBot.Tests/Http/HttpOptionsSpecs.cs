using AotBot.Hosting;

namespace AotBot.Tests.Http;

public sealed class HttpOptionsSpecs
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";

    [Theory]
    [InlineData("--Http:AttemptTimeout=30", "Http:AttemptTimeout must be between 00:00:01 and 00:10:00: set AOTBOT_Http__AttemptTimeout")]
    [InlineData("--Http:ReadIdleTimeout=00:00:00", "Http:ReadIdleTimeout must be between 00:00:01 and 00:10:00: set AOTBOT_Http__ReadIdleTimeout")]
    [InlineData("--Http:HostOverrides:www.tiktok.com=localhost:8080", "Http:HostOverrides:www.tiktok.com must be an absolute http(s) URL: set AOTBOT_Http__HostOverrides__www.tiktok.com")]
    [InlineData("--Http:Proxy=ftp://proxy", "Http:Proxy must be an absolute http, https or socks5 URL: set AOTBOT_Http__Proxy")]
    [InlineData("--Http:ProxyFile=/nonexistent/proxies.txt", "Http:ProxyFile names no readable file: set AOTBOT_Http__ProxyFile")]
    [InlineData("--Http:DownloadsPerJob=0", "Http:DownloadsPerJob must be between 1 and 64: set AOTBOT_Http__DownloadsPerJob")]
    public async Task I_get_one_line_naming_the_setting_for_a_bad_http_value(string argument, string expected)
    {
        // Arrange
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // Act
        var exit = await Cli.RunAsync(["check-config", $"--Telegram:Token={ValidToken}", argument], stdout, stderr);

        // Assert
        Assert.Equal(Cli.ExitBadConfiguration, exit);
        Assert.Equal(expected, stderr.ToString().Trim());
    }
}
