using AotBot.Http;
using AotBot.Telegram;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FaultServer;
using AotBot.Tests.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Telegram.Bot;

namespace AotBot.Tests.Telegram;

/// <summary>A call that hangs is cut at <c>Telegram:RequestTimeout</c> and retried like a 5xx within the retry budget.</summary>
public sealed class BotApiTimeoutSpecs
{
    private const string Me = """{"ok":true,"result":{"id":123456789,"is_bot":true,"first_name":"Bot","username":"aotbot_test_bot"}}""";

    [Fact]
    public async Task A_call_that_Telegram_never_answers_is_retried_after_the_request_timeout_and_succeeds()
    {
        // Arrange: the first getMe is accepted and never answered, the second is answered
        var token = FakeBotApi.DefaultToken;
        await using var server = FaultServer.Start();
        server.Map($"/bot{token}/getMe", FaultReply.Text("{}", contentType: "application/json") with { SilentHead = true },
            FaultReply.Text(Me, contentType: "application/json"));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Telegram:RequestTimeout", "00:00:10"));
        var api = Api(server, http, time);

        // Act
        var call = api.CallAsync("getMe", (bot, token) => bot.GetMe(token), CancellationToken.None);
        await server.WaitForRequestsAsync($"/bot{token}/getMe", 1);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200);
        var pendingAt9s = !call.IsCompleted && server.RequestsTo($"/bot{token}/getMe").Count == 1;
        var waited = TimeSpan.FromSeconds(9) + await BotHarness.AdvanceUntilAsync(time, () => server.RequestsTo($"/bot{token}/getMe").Count >= 2,
            TimeSpan.FromSeconds(1), limit: TimeSpan.FromMinutes(1));
        var me = await call;

        // Assert: 10 s of timeout, then 1 s of backoff
        Assert.True(pendingAt9s);
        Assert.Equal("aotbot_test_bot", me.Username);
        Assert.Equal(2, server.RequestsTo($"/bot{token}/getMe").Count);
        Assert.InRange(waited, TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(15));
        Assert.Contains(logs.Lines, l => l.EventId == 2020 && !l.Message.Contains(token));
    }

    [Fact]
    public async Task A_call_that_never_answers_fails_for_good_once_the_retry_budget_is_spent()
    {
        // Arrange
        var token = FakeBotApi.DefaultToken;
        await using var server = FaultServer.Start();
        server.Map($"/bot{token}/getMe", FaultReply.Text("{}", contentType: "application/json") with { SilentHead = true });
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs, ("Telegram:RequestTimeout", "00:00:30"));
        var api = Api(server, http, time);

        // Act
        var call = api.CallAsync("getMe", (bot, token) => bot.GetMe(token), CancellationToken.None);
        await BotHarness.AdvanceUntilAsync(time, () => call.IsCompleted, TimeSpan.FromSeconds(5), limit: TimeSpan.FromMinutes(10));
        var error = await Assert.ThrowsAnyAsync<global::Telegram.Bot.Exceptions.RequestException>(() => call);

        // Assert: each attempt ended at 30 s; backoffs 1+2+4+8+16+30+30 fit the 2-minute budget, so 7-8 attempts, not one hung call
        Assert.InRange(server.RequestsTo($"/bot{token}/getMe").Count, 5, 9);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    /// <summary>The bot's own Telegram stack (client with no retries of its own, BotApi) over the HTTP layer, aimed at <paramref name="server"/>.</summary>
    private static BotApi Api(FaultServer server, HttpLayerHost http, Microsoft.Extensions.Time.Testing.FakeTimeProvider time) =>
        new(new TelegramBotClient(new TelegramBotClientOptions(FakeBotApi.DefaultToken, server.BaseUrl.AbsoluteUri.TrimEnd('/')) { RetryThreshold = 0 },
                http.Get<TelegramHttpClient>().Client),
            new Pacer(time), new ChatMigrations(new AotBot.Storage.InMemoryBotStore(), time, NullLogger<ChatMigrations>.Instance), time, NullLogger<BotApi>.Instance);
}
