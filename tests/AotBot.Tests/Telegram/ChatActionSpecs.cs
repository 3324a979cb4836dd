using AotBot.Telegram;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;

namespace AotBot.Tests.Telegram;

public sealed class ChatActionSpecs
{
    [Fact]
    public async Task A_chat_action_is_sent_at_once_refreshed_every_four_seconds_and_stops_when_the_work_ends()
    {
        // Arrange: the real client and BotApi against the fake Bot API, on fake time
        await using var api = await FakeBotApi.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        var client = new TelegramBotClient(new TelegramBotClientOptions(api.Token, api.BaseUrl.ToString()) { RetryThreshold = 0 }, http);
        var actions = new ChatActions(new BotApi(client, new Pacer(time), new ChatMigrations(new AotBot.Storage.InMemoryBotStore(), time, NullLogger<ChatMigrations>.Instance), time, NullLogger<BotApi>.Instance), time);

        // Act
        var pulse = actions.Start(42, ChatAction.UploadVideo, threadId: null, default);
        await api.WaitForCallsAsync("sendChatAction", 1);
        await BotHarness.AdvanceUntilAsync(time, () => api.CallsTo("sendChatAction").Count >= 3, TimeSpan.FromSeconds(1));
        var movedForThree = time.GetUtcNow();
        await pulse.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(20));
        await Task.Delay(100);

        // Assert
        var calls = api.CallsTo("sendChatAction");
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(("42", "upload_video"), (c["chat_id"], c["action"])));
        Assert.True(movedForThree >= time.Start + TimeSpan.FromSeconds(8));
    }
}
