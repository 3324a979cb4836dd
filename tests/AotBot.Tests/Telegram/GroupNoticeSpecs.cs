using AotBot.Localization;
using AotBot.Telegram;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Telegram;

/// <summary>The one message a group gets when the bot joins it as a plain member while privacy mode hides links from it.</summary>
public sealed class GroupNoticeSpecs : IAsyncLifetime
{
    private const long Group = -1001555000001;
    private const long Adder = 7001;
    private FakeBotApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _api.CanReadAllGroupMessages = false;
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static string Notice(BotHarness bot, string language) =>
        bot.Host.Services.GetRequiredService<Localizer>().Text(language, GroupNotice.TextKey);

    // Stored is confirmed, not yet answered: wait for the bot to finish the update.
    private async Task HandledAsync(BotHarness bot, string update) => await bot.WaitForHandledAsync(_api.Enqueue(update));

    [Fact]
    public async Task I_get_the_notice_once_in_the_adders_language_when_the_bot_joins_a_group_as_a_member()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync(api: _api);

        // Act: added, removed, added again
        await HandledAsync(bot, _api.Updates.MyChatMember(Group, Adder, "left", "member", languageCode: "ru"));
        await HandledAsync(bot, _api.Updates.MyChatMember(Group, Adder, "member", "left", languageCode: "ru"));
        await HandledAsync(bot, _api.Updates.MyChatMember(Group, Adder, "left", "member", languageCode: "ru"));

        // Assert
        var sent = Assert.Single(_api.CallsTo("sendMessage"));
        Assert.Equal(Group, sent.ChatId);
        Assert.Equal(Notice(bot, "ru"), sent["text"]);
        Assert.NotEqual(Notice(bot, "en"), Notice(bot, "ru"));
    }

    [Fact]
    public async Task I_get_the_notice_in_a_basic_group_and_in_english_for_a_language_the_bot_lacks()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync(api: _api);

        // Act
        await HandledAsync(bot, _api.Updates.MyChatMember(-4001, Adder, "left", "member", chatType: "group", languageCode: "xx"));

        // Assert
        var sent = Assert.Single(_api.CallsTo("sendMessage"));
        Assert.Equal(-4001, sent.ChatId);
        Assert.Equal(Notice(bot, "en"), sent["text"]);
    }

    [Fact]
    public async Task I_get_no_notice_after_a_promotion_when_added_as_admin_in_a_channel_or_when_privacy_mode_is_off()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync(api: _api);

        // Act
        await HandledAsync(bot, _api.Updates.MyChatMember(Group, Adder, "left", "administrator"));
        await HandledAsync(bot, _api.Updates.MyChatMember(Group - 1, Adder, "left", "member"));
        await HandledAsync(bot, _api.Updates.MyChatMember(Group - 1, Adder, "member", "administrator"));
        await HandledAsync(bot, _api.Updates.MyChatMember(-1001555000099, Adder, "left", "member", chatType: "channel"));

        // Assert: only the plain-member join, never the promotion after it, the admin join or the channel
        var sent = Assert.Single(_api.CallsTo("sendMessage"));
        Assert.Equal(Group - 1, sent.ChatId);
    }

    [Fact]
    public async Task I_get_no_notice_when_privacy_mode_is_off()
    {
        // Arrange
        _api.CanReadAllGroupMessages = true;
        await using var bot = await BotHarness.StartAsync(api: _api);

        // Act
        await HandledAsync(bot, _api.Updates.MyChatMember(Group, Adder, "left", "member"));

        // Assert: the logger writes behind the handler; stopping the host flushes it
        var logs = await bot.StopAsync();
        Assert.Empty(_api.CallsTo("sendMessage"));
        Assert.Contains($"Bot membership in chat {Group} (Supergroup) is now Member", logs);
    }

    [Fact]
    public async Task I_see_the_bot_go_on_silently_when_the_group_does_not_let_it_send()
    {
        // Arrange
        await using var bot = await BotHarness.StartAsync(api: _api);
        _api.FailChat(Group, BotApiFault.Error(400, "Bad Request: not enough rights to send text messages to the chat"));

        // Act
        await HandledAsync(bot, _api.Updates.MyChatMember(Group, Adder, "left", "member"));
        await HandledAsync(bot, _api.Updates.Text(Adder, Adder, "/start"));

        // Assert: one refused try, no retry, and the next update is answered
        var logs = await bot.StopAsync();
        Assert.Single(_api.CallsTo("sendMessage"), c => c.ChatId == Group);
        Assert.Single(_api.CallsTo("sendMessage"), c => c.ChatId == Adder);
        Assert.Contains($"Could not tell group {Group} about privacy mode: Bad Request: not enough rights to send text messages to the chat", logs);
        Assert.DoesNotContain(") failed: ", logs);
    }
}
