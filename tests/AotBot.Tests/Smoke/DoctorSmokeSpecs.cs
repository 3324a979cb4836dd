using AotBot.Tests.Hosting;
using Xunit.Abstractions;

namespace AotBot.Tests.Smoke;

/// <summary>
/// <c>aotbot doctor</c> of the published, trimmed binary against an all-good and an all-bad fake Bot API: getMe's
/// flags, getWebhookInfo, getChat and getChatMember are read by Telegram.Bot's JSON in the AOT build, and the token
/// given through BOT_TOKEN never shows.
/// </summary>
public sealed class DoctorSmokeSpecs(ITestOutputHelper output)
{
    private async Task<PublishedBinary.Result> RunAsync(DoctorScenario scenario)
    {
        var result = await PublishedBinary.RunAsync(scenario.Args, scenario.Environment);
        output.WriteLine(result.Stdout + result.Stderr);
        Assert.DoesNotContain(scenario.TokenSecret, result.Stdout + result.Stderr);
        return result;
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_passes_every_check_against_an_all_good_fake()
    {
        // Arrange
        await using var scenario = await DoctorScenario.AllGoodAsync();

        // Act
        var result = await RunAsync(scenario);

        // Assert
        DoctorScenario.AssertAllGood(result.ExitCode, result.Stdout);
        Assert.Empty(result.Stderr);
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_fails_each_check_with_its_fix_against_an_all_bad_fake()
    {
        // Arrange
        await using var scenario = await DoctorScenario.AllBadAsync();

        // Act
        var result = await RunAsync(scenario);

        // Assert
        DoctorScenario.AssertAllBad(result.ExitCode, result.Stdout);
    }
}
