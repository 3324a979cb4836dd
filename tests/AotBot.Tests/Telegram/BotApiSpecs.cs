using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Telegram;

public sealed class BotApiSpecs
{
    private const long User = 6401;

    [Fact]
    public async Task I_get_my_answer_after_Telegram_says_429_once_the_retry_after_has_passed()
    {
        // Arrange
        var (bot, time) = await BotHarness.StartWithFakeTimeAsync();
        await using var _ = bot;
        bot.Api.FailNext("sendMessage", BotApiFault.TooManyRequests(retryAfter: 3));

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        var waited = await BotHarness.AdvanceUntilAsync(time, () => bot.Api.CallsTo("sendMessage").Count >= 2, TimeSpan.FromSeconds(1));

        // Assert
        var calls = bot.Api.CallsTo("sendMessage");
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        Assert.Equal(calls[0]["text"], calls[1]["text"]);
        Assert.True(waited >= TimeSpan.FromSeconds(3), $"resent after {waited} of the 3 s asked");
    }

    [Fact]
    public async Task I_get_my_answer_after_a_502_from_Telegrams_front()
    {
        // Arrange
        var (bot, time) = await BotHarness.StartWithFakeTimeAsync();
        await using var _ = bot;
        bot.Api.FailNext("sendMessage", BotApiFault.BadGateway());

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        await BotHarness.AdvanceUntilAsync(time, () => bot.Api.CallsTo("sendMessage").Count >= 2, TimeSpan.FromSeconds(1));

        // Assert
        Assert.Equal([502, 200], bot.Api.CallsTo("sendMessage").Select(c => c.Status));
    }

    [Fact]
    public async Task A_user_who_blocked_the_bot_is_an_information_line_not_an_error()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync();
        bot.Api.FailNext("sendMessage", BotApiFault.Blocked());

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        await bot.WaitForHandledAsync(id);
        var logs = await bot.StopAsync();

        // Assert
        Assert.Single(bot.Api.CallsTo("sendMessage"));
        Assert.Contains($"INF AotBot.Telegram.UpdateDispatcher: Chat {User} is closed to the bot", logs);
        Assert.DoesNotContain(" ERR ", logs);
    }

    [Fact]
    public async Task On_shutdown_an_answer_in_progress_is_still_sent()
    {
        // Arrange
        var (bot, time) = await BotHarness.StartWithFakeTimeAsync();
        await using var _ = bot;
        bot.Api.FailNext("sendMessage", BotApiFault.TooManyRequests(retryAfter: 2));
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);

        // Act: stop while the answer waits out its 429
        var stopping = bot.Host.StopAsync();
        await BotHarness.AdvanceUntilAsync(time, () => bot.Api.CallsTo("sendMessage").Count >= 2, TimeSpan.FromSeconds(1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal([429, 200], bot.Api.CallsTo("sendMessage").Select(c => c.Status));
    }
}
