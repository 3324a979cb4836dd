namespace AotBot.Tests.Smoke;

public sealed class AotSmokeSpecs
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";

    [PublishedBinaryFact]
    public async Task The_published_binary_prints_its_version_and_commit()
    {
        var result = await PublishedBinary.RunAsync(["--version"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^aotbot \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}, linux-(x64|arm64)\)", result.Stdout);
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_validates_a_good_configuration_and_masks_the_token()
    {
        var result = await PublishedBinary.RunAsync(["check-config"], new Dictionary<string, string?> { ["BOT_TOKEN"] = ValidToken });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Telegram:Token = 123456789:***", result.Stdout);
        Assert.DoesNotContain("AAEhBOweik6ad9r", result.Stdout + result.Stderr);
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_refuses_a_malformed_token_with_exit_code_2_and_one_line()
    {
        var result = await PublishedBinary.RunAsync(["check-config", "--Telegram:Token=12345:tooshort"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Telegram:Token is malformed (expected <digits>:<secret of 30+ characters A-Za-z0-9_->): set AOTBOT_Telegram__Token or BOT_TOKEN",
            result.Stderr.Trim());
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_refuses_to_run_without_a_token()
    {
        var result = await PublishedBinary.RunAsync([], timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Telegram:Token is required: set AOTBOT_Telegram__Token or BOT_TOKEN", result.Stderr.Trim());
    }
}
