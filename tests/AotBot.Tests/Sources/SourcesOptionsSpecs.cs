using AotBot.Hosting;

namespace AotBot.Tests.Sources;

public sealed class SourcesOptionsSpecs
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";

    [Theory]
    [InlineData("--TikTok:ApiFallbackUrl=ftp://api.example/detail",
        "TikTok:ApiFallbackUrl must be an absolute http(s) URL: set AOTBOT_TikTok__ApiFallbackUrl")]
    [InlineData("--TikTok:ApiFallbackKeyHeader=x api key",
        "TikTok:ApiFallbackKeyHeader must be a header name (letters, digits, dashes): set AOTBOT_TikTok__ApiFallbackKeyHeader")]
    [InlineData("--Instagram:GraphqlDocId=doc-27130156389949648", "Instagram:GraphqlDocId must be digits: set AOTBOT_Instagram__GraphqlDocId")]
    [InlineData("--Instagram:AppId=", "Instagram:AppId must be digits: set AOTBOT_Instagram__AppId")]
    [InlineData("--Instagram:ApiBaseUrl=instagram-downloader.example",
        "Instagram:ApiBaseUrl must be an absolute http(s) URL: set AOTBOT_Instagram__ApiBaseUrl")]
    public async Task I_get_one_clear_line_for_a_bad_source_setting(string setting, string expected)
    {
        // Arrange
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // Act
        var exit = await Cli.RunAsync(["check-config", $"--Telegram:Token={ValidToken}", setting], stdout, stderr);

        // Assert
        Assert.Equal(Cli.ExitBadConfiguration, exit);
        Assert.Equal(expected, stderr.ToString().Trim());
    }

    [Fact]
    public async Task I_can_see_the_source_settings_with_their_keys_masked()
    {
        // Arrange
        var stdout = new StringWriter();

        // Act
        var exit = await Cli.RunAsync(
            ["check-config", $"--Telegram:Token={ValidToken}", "--TikTok:ApiFallbackUrl=https://api.example/v1/{id}",
                "--TikTok:ApiFallbackKey=tiktok-secret", "--Instagram:ApiKey=instagram-secret"],
            stdout, new StringWriter());

        // Assert
        Assert.Equal(Cli.ExitOk, exit);
        Assert.Contains("TikTok:ApiFallbackUrl = https://api.example/v1/{id}", stdout.ToString());
        Assert.DoesNotContain("tiktok-secret", stdout.ToString());
        Assert.DoesNotContain("instagram-secret", stdout.ToString());
    }
}
