using AotBot.Testing.FakeBotApi;
using AotBot.Tests.Telegram;

namespace AotBot.Tests.Reliability;

/// <summary>
/// Telegram failing for a while, on fake time: a minute of 502s or of calls that never answer, then recovery; and a
/// 429 flood on one chat. Nothing is lost (every update answered, once), the bot does not spin while Telegram is
/// down, and one chat's flood does not hold the others up.
/// </summary>
public sealed class TelegramOutageSpecs
{
    private const long User = 9301;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    private static IReadOnlyList<BotApiCall> Answers(BotHarness bot, long chatId) =>
        [.. bot.Api.CallsTo("sendMessage").Where(c => c.ChatId == chatId && c.Succeeded)];

    [Theory]
    [InlineData(BotApiOutage.BadGateway)]
    [InlineData(BotApiOutage.GatewayTimeout)]
    public async Task After_a_minute_of_Telegram_failing_polling_resumes_and_every_reply_goes_out_once_without_spinning(BotApiOutage outage)
    {
        // Arrange: a reply whose first attempt fails just as the outage begins
        var (bot, time) = await BotHarness.StartWithFakeTimeAsync();
        await using var _ = bot;
        bot.Api.FailNext("sendMessage", BotApiFault.BadGateway());
        var before = bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);

        // Act: a minute of outage, during which another user writes (the update waits at Telegram)
        bot.Api.BeginOutage(outage);
        var callsBefore = bot.Api.Calls.Count;
        var during = bot.Api.Enqueue(bot.Updates.Text(User + 1, User + 1, "/start"));
        for (var moved = TimeSpan.Zero; moved < TimeSpan.FromSeconds(60); moved += Step)
        {
            time.Advance(Step);
            await Task.Delay(20);
        }
        var callsDuring = bot.Api.Calls.Skip(callsBefore).ToList();
        bot.Api.EndOutage();
        await BotHarness.AdvanceUntilAsync(time, () => Answers(bot, User).Count > 0 && Answers(bot, User + 1).Count > 0, Step,
            limit: TimeSpan.FromMinutes(3));
        await BotHarness.AdvanceUntilAsync(time, () => bot.Api.ConfirmedOffset > during, Step, limit: TimeSpan.FromMinutes(2));

        // Assert
        var polls = callsDuring.Count(c => c.Method == "getUpdates");
        // None is fine too: the long poll taken before the outage (its update stored, the offset past it) may still be waiting.
        Assert.True(polls <= 10, $"{polls} getUpdates calls in a minute of {outage}: {string.Join(" | ", callsDuring)}");
        Assert.True(callsDuring.Count <= 20, $"{callsDuring.Count} calls in a minute of {outage}");
        Assert.Single(Answers(bot, User));
        Assert.Single(Answers(bot, User + 1));
        Assert.True(bot.Api.ConfirmedOffset > before);
    }

    [Fact]
    public async Task A_429_flood_on_one_chat_leaves_the_other_chats_served_and_that_chat_answered_once_it_ends()
    {
        // Arrange: Telegram answers 429 (retry after 5 s) to eight sends in a row to one chat
        const long flooded = User + 10;
        long[] others = [User + 11, User + 12, -1009301];
        var (bot, time) = await BotHarness.StartWithFakeTimeAsync();
        await using var _ = bot;
        bot.Api.FailChat(flooded, BotApiFault.TooManyRequests(retryAfter: 5), times: 8);
        bot.Api.Enqueue(bot.Updates.Text(flooded, flooded, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);

        // Act: the other chats write while the flooded chat waits out its first retry_after
        foreach (var chat in others) bot.Api.Enqueue(bot.Updates.Text(chat, User + 20, $"/start@{FakeBotApi.BotUsername}"));
        var tookOthers = await BotHarness.AdvanceUntilAsync(time, () => others.All(chat => Answers(bot, chat).Count > 0),
            TimeSpan.FromMilliseconds(250), limit: TimeSpan.FromSeconds(4));
        var servedWhileFlooded = others.Select(chat => Answers(bot, chat).Count).ToList();
        var floodedWhileOthers = bot.Api.CallsTo("sendMessage").Count(c => c.ChatId == flooded);
        var waited = await BotHarness.AdvanceUntilAsync(time, () => Answers(bot, flooded).Count > 0, Step, limit: TimeSpan.FromMinutes(2));

        // Assert
        Assert.Equal([1, 1, 1], servedWhileFlooded);
        Assert.True(tookOthers < TimeSpan.FromSeconds(5) && floodedWhileOthers == 1, $"the others took {tookOthers}");
        Assert.Single(Answers(bot, flooded));
        Assert.Equal(8, bot.Api.CallsTo("sendMessage").Count(c => c.ChatId == flooded && c.Status == 429));
        Assert.True(tookOthers + waited >= TimeSpan.FromSeconds(40), $"answered after {tookOthers + waited}, before eight retry_after of 5 s");
    }
}
