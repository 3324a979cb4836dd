using AotBot.Hosting;
using AotBot.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Tests.Telegram;

/// <summary>Telegram:TokenFile: the token from a systemd credential, a Docker or a Kubernetes secret file.</summary>
public sealed class TokenFileSpecs : IDisposable
{
    private const string FileToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";
    private const string OtherToken = "987654321:BBEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";
    private readonly string _dir = Directory.CreateTempSubdirectory("aotbot-token-").FullName;

    private async Task<(int Exit, string Out, string Err)> CheckConfig(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await Cli.RunAsync(["check-config", .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void The_token_is_the_files_content_without_its_trailing_newline_and_wins_over_a_token_beside_it()
    {
        // Arrange: secret files are usually written with echo, so they end in a newline.
        var file = Path.Combine(_dir, "telegram-token");
        File.WriteAllText(file, FileToken + "\n");

        // Act
        using var host = AotBotHost.CreateBuilder([$"--Telegram:Token={OtherToken}", $"--Telegram:TokenFile={file}"], Stream.Null).Build();
        var options = host.Services.GetRequiredService<IOptions<TelegramOptions>>().Value;

        // Assert
        Assert.Equal(FileToken, options.Token);
    }

    [Fact]
    public async Task check_config_shows_the_file_token_masked_and_never_in_full()
    {
        var file = Path.Combine(_dir, "telegram-token");
        File.WriteAllText(file, FileToken);

        var (exit, output, _) = await CheckConfig($"--Telegram:TokenFile={file}");

        Assert.Equal(0, exit);
        Assert.Contains("Telegram:Token = 123456789:***", output);
        Assert.Contains($"Telegram:TokenFile = {file}", output);
        Assert.DoesNotContain(FileToken, output);
    }

    [Fact]
    public async Task A_token_file_that_cannot_be_read_is_exit_code_2_and_one_line_naming_the_setting()
    {
        var missing = Path.Combine(_dir, "no-such-credential");

        var (exit, _, err) = await CheckConfig($"--Telegram:TokenFile={missing}");

        Assert.Equal(Cli.ExitBadConfiguration, exit);
        Assert.Equal($"Telegram:TokenFile {missing} cannot be read (no such file): set AOTBOT_Telegram__TokenFile", err.Trim());
    }

    [Fact]
    public async Task A_malformed_token_in_the_file_is_reported_like_a_malformed_token_and_not_echoed()
    {
        var file = Path.Combine(_dir, "telegram-token");
        File.WriteAllText(file, "123:not-a-token\n");

        var (exit, _, err) = await CheckConfig($"--Telegram:TokenFile={file}");

        Assert.Equal(Cli.ExitBadConfiguration, exit);
        Assert.StartsWith("Telegram:Token is malformed", err.Trim());
        Assert.DoesNotContain("not-a-token", err);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
