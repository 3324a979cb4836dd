using AotBot.Localization;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Telegram;

public sealed class ReceivingSpecs
{
    private const long User = 5301;

    [Fact]
    public async Task I_can_get_an_answer_when_an_update_of_an_unknown_type_shares_my_batch()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync();
        var texts = bot.Host.Services.GetRequiredService<Localizer>();

        // Act: one getUpdates answer carries an update Telegram.Bot cannot read, then mine
        var ids = bot.Api.EnqueueBatch(bot.Updates.UnknownPolymorphicType(User, User), bot.Updates.Text(User, User, "/start"));
        var reply = (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0];
        await bot.WaitForHandledAsync(ids[1]);
        var logs = await bot.StopAsync();

        // Assert
        Assert.Equal(texts.Text("en", "start"), reply["text"]);
        Assert.Contains($"Skipped update {ids[0]}", logs);
        Assert.Single(bot.Api.CallsTo("sendMessage"));
    }

    [Fact]
    public async Task I_can_find_no_bot_token_in_the_logs_even_when_Telegram_echoes_it()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync();
        bot.Api.FailNext("getUpdates", BotApiFault.BadGateway());
        bot.Api.FailNext("sendMessage", BotApiFault.Error(400, $"Bad Request: chat not found for bot{bot.Api.Token}"));

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        await bot.Api.WaitForCallsAsync("getUpdates", 3);
        var logs = await bot.StopAsync();

        // Assert
        Assert.Contains("Bot @" + FakeBotApi.BotUsername, logs);
        Assert.Contains("Bad Request: chat not found", logs);
        Assert.DoesNotContain(bot.Api.Token, logs);
        Assert.DoesNotContain(bot.Api.Token[(bot.Api.Token.IndexOf(':') + 1)..], logs);
    }

    [Fact]
    public async Task I_keep_receiving_after_getUpdates_fails_or_is_rate_limited()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync();
        bot.Api.FailNext("getUpdates", BotApiFault.TooManyRequests(1));
        bot.Api.FailNext("getUpdates", BotApiFault.BadGateway());

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, "/start"));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        await bot.Api.WaitForCallsAsync("getUpdates", 4);

        // Assert
        var polls = bot.Api.CallsTo("getUpdates");
        Assert.Contains(polls, p => p.Status == 429);
        Assert.Contains(polls, p => p.Status == 502);
        Assert.All(polls, p =>
        {
            Assert.Equal("50", p["timeout"]);
            Assert.Equal("""["message","callback_query","inline_query","chosen_inline_result","my_chat_member"]""", p["allowed_updates"]);
        });
    }
}
