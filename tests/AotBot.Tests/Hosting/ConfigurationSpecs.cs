using AotBot.Core;
using AotBot.Hosting;
using AotBot.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Tests.Hosting;

public sealed class ConfigurationSpecs
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";

    private static async Task<(int Exit, string Out, string Err)> RunCli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task I_get_exit_code_2_and_one_line_naming_the_setting_when_the_token_is_missing()
    {
        // Act
        var (exit, _, err) = await RunCli("check-config", "--Telegram:Token=");

        // Assert
        Assert.Equal(2, exit);
        Assert.Equal("Telegram:Token is required: set AOTBOT_Telegram__Token or BOT_TOKEN", err.Trim());
    }

    [Theory]
    [InlineData("123:short")]
    [InlineData("abc:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY")]
    [InlineData("123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K+ZY")]
    public async Task I_get_exit_code_2_when_the_token_is_malformed(string token)
    {
        var (exit, _, err) = await RunCli("check-config", $"--Telegram:Token={token}");

        Assert.Equal(2, exit);
        Assert.StartsWith("Telegram:Token is malformed", err.Trim());
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public async Task I_can_check_a_valid_configuration_and_see_secrets_masked()
    {
        var (exit, output, _) = await RunCli("check-config", $"--Telegram:Token={ValidToken}", "--Imaging:JpegQuality=80");

        Assert.Equal(0, exit);
        Assert.Contains("Telegram:Token = 123456789:***", output);
        Assert.Contains("Imaging:JpegQuality = 80", output);
        Assert.Contains("Limits:MaxUploadBytes = 52428800", output);
        Assert.DoesNotContain(ValidToken, output);
    }

    [Fact]
    public async Task I_get_a_clear_line_for_an_out_of_range_number()
    {
        var (exit, _, err) = await RunCli("check-config", $"--Telegram:Token={ValidToken}", "--Imaging:JpegQuality=101");

        Assert.Equal(2, exit);
        Assert.Equal("Imaging:JpegQuality must be between 1 and 100: set AOTBOT_Imaging__JpegQuality", err.Trim());
    }

    [Fact]
    public async Task I_get_a_clear_line_for_an_unknown_log_format()
    {
        var (exit, _, err) = await RunCli("check-config", $"--Telegram:Token={ValidToken}", "--Logging:Format=xml");

        Assert.Equal(2, exit);
        Assert.Equal("Logging:Format must be plain or json: set AOTBOT_Logging__Format", err.Trim());
    }

    [Fact]
    public void The_command_line_wins_over_the_environment_and_the_environment_over_BOT_TOKEN()
    {
        // Environment variables are process-wide; this test owns these two names.
        Environment.SetEnvironmentVariable("BOT_TOKEN", "1:" + new string('b', 35));
        Environment.SetEnvironmentVariable("AOTBOT_Imaging__JpegQuality", "60");
        try
        {
            using var host = AotBotHost.CreateBuilder(["--Imaging:JpegQuality=90"], Stream.Null).Build();
            var telegram = host.Services.GetRequiredService<IOptions<TelegramOptions>>().Value;
            var imaging = host.Services.GetRequiredService<IOptions<AotBot.Imaging.ImagingOptions>>().Value;
            Assert.Equal("1:" + new string('b', 35), telegram.Token);
            Assert.Equal(90, imaging.JpegQuality);

            using var envHost = AotBotHost.CreateBuilder([], Stream.Null).Build();
            Assert.Equal(60, envHost.Services.GetRequiredService<IOptions<AotBot.Imaging.ImagingOptions>>().Value.JpegQuality);
        }
        finally
        {
            Environment.SetEnvironmentVariable("BOT_TOKEN", null);
            Environment.SetEnvironmentVariable("AOTBOT_Imaging__JpegQuality", null);
        }
    }

    [Fact]
    public async Task I_can_ask_for_the_version_and_the_help()
    {
        var (exit, output, _) = await RunCli("--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^aotbot \d+\.\d+\.\d+ \(commit \S+, linux-", output);

        var (helpExit, help, _) = await RunCli("--help");
        Assert.Equal(0, helpExit);
        foreach (var setting in Settings.All)
            Assert.Contains(setting.EnvironmentName, help);
    }
}
