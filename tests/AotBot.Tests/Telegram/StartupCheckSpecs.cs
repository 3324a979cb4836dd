using AotBot.Core;
using AotBot.Hosting;
using AotBot.Testing.FakeBotApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Telegram;

/// <summary>What the bot says at start-up about Telegram settings that stop it: privacy mode, inline mode, the storage channel, a second poller.</summary>
public sealed class StartupCheckSpecs : IAsyncLifetime
{
    private const long StorageChannel = -1003333333333;
    private FakeBotApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeBotApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static string[] Lines(string logs, string level, string text) =>
        [.. logs.Split('\n').Where(line => line.Contains($" {level} ") && line.Contains(text))];

    private static async Task<(bool Ready, string Report)> ReadyzAsync(BotHarness bot)
    {
        var port = bot.Host.Services.GetRequiredService<ListenerService>().LocalEndPoint!.Port;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var response = await client.GetAsync("/readyz");
        return (response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task I_see_no_start_up_line_and_a_ready_inline_check_when_every_setting_is_right()
    {
        // Arrange
        _api.AddChannel(StorageChannel, "administrator", canPostMessages: true);
        var bot = await BotHarness.StartAsync([$"--Telegram:StorageChannelId={StorageChannel}", "--Http:Listen=http://127.0.0.1:0"], api: _api);
        await using (bot)
        {
            await _api.WaitForCallsAsync("getChatMember", 1);
            var (ready, report) = await ReadyzAsync(bot);

            // Act
            var logs = await bot.StopAsync();

            // Assert
            Assert.True(ready, report);
            Assert.Contains("inline: ok\n", report);
            Assert.Equal(StorageChannel.ToString(), _api.CallsTo("getChat")[0]["chat_id"]);
            Assert.Equal(_api.BotId.ToString(), _api.CallsTo("getChatMember")[0]["user_id"]);
            Assert.DoesNotContain("Privacy mode", logs);
            Assert.DoesNotContain("inline mode is off", logs);
            Assert.DoesNotContain("Inline mode cannot work", logs);
        }
    }

    [Fact]
    public async Task I_see_each_problem_once_at_its_level_and_readyz_stays_200_with_a_degraded_inline_line()
    {
        // Arrange: privacy on, inline off in BotFather, and a storage channel the bot may not post to
        _api.CanReadAllGroupMessages = false;
        _api.SupportsInlineQueries = false;
        _api.AddChannel(StorageChannel, "administrator", canPostMessages: false);

        // Act
        var bot = await BotHarness.StartAsync([$"--Telegram:StorageChannelId={StorageChannel}", "--Http:Listen=http://127.0.0.1:0"], api: _api);
        await using (bot)
        {
            await BotHarness.WaitUntilAsync(() => bot.Logs.Text.Contains("Inline mode cannot work"), "the storage channel warning");
            var (ready, report) = await ReadyzAsync(bot);
            var logs = await bot.StopAsync();

            // Assert
            Assert.Single(Lines(logs, "INF", "Privacy mode is on for @aotbot_test_bot: in groups the bot sees commands and replies, not links"));
            Assert.Single(Lines(logs, "WRN", "Telegram:StorageChannelId is set but inline mode is off for @aotbot_test_bot: turn it on in @BotFather (/setinline)"));
            Assert.Single(Lines(logs, "WRN",
                $"Inline mode cannot work: storage channel {StorageChannel}: the bot is an administrator of channel {StorageChannel} without the right to post messages"));
            Assert.True(ready, report);
            Assert.Contains($"inline: degraded: storage channel {StorageChannel}: the bot is an administrator of channel {StorageChannel} without the right to post messages\n", report);
            Assert.Contains("telegram: Bot API answered", report);
        }
    }

    [Fact]
    public async Task I_see_a_warning_naming_the_channel_when_the_bot_is_not_in_the_storage_channel()
    {
        // Arrange: the channel was never told to the fake: getChat answers "chat not found", as Telegram does
        var bot = await BotHarness.StartAsync([$"--Telegram:StorageChannelId={StorageChannel}"], api: _api);
        await using (bot)
        {
            // Act
            await BotHarness.WaitUntilAsync(() => bot.Logs.Text.Contains("Inline mode cannot work"), "the storage channel warning");
            var logs = await bot.StopAsync();

            // Assert
            var line = Assert.Single(Lines(logs, "WRN", "Inline mode cannot work"));
            Assert.Contains($"storage channel {StorageChannel}: the bot cannot see chat {StorageChannel} (Bad Request: chat not found)", line);
            Assert.Contains("Add the bot to the channel as an administrator allowed to post messages", line);
            Assert.Empty(_api.CallsTo("getChatMember"));
        }
    }

    [Fact]
    public async Task I_check_no_storage_channel_without_one_and_still_hear_about_privacy_mode()
    {
        // Arrange
        _api.CanReadAllGroupMessages = false;
        var bot = await BotHarness.StartAsync(api: _api);
        await using (bot)
        {
            // Act
            await BotHarness.WaitUntilAsync(() => bot.Logs.Text.Contains("Privacy mode is on"), "the privacy line");
            var logs = await bot.StopAsync();

            // Assert
            Assert.Single(Lines(logs, "INF", "Privacy mode is on"));
            Assert.Empty(_api.CallsTo("getChat"));
            Assert.Empty(_api.CallsTo("getChatMember"));
        }
    }

    [Fact]
    public async Task I_see_one_error_naming_a_second_poller_a_backoff_without_a_hot_loop_and_readyz_saying_it()
    {
        // Arrange: another process polls with the token, for three polls
        _api.FailNext("getUpdates", BotApiFault.TerminatedByOtherPoller(), times: 3);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var bot = await BotHarness.StartAsync(services: s => s.AddSingleton<TimeProvider>(time), api: _api);
        await using (bot)
        {
            var readiness = bot.Host.Services.GetRequiredService<Readiness>();

            // Act + Assert: after the first 409 the bot waits (1 s of fake time) instead of asking again at once (the
            // first poll is awaited: on a loaded machine start-up alone can take longer than the quiet spell below)
            await BotHarness.WaitUntilAsync(() => _api.CallsTo("getUpdates").Count >= 1, "the first getUpdates");
            await Task.Delay(300);
            Assert.Single(_api.CallsTo("getUpdates"));
            var (ready, report) = await readiness.EvaluateAsync(default);
            Assert.False(ready);
            Assert.Contains("telegram: not ready: getUpdates 409 Conflict: another process is polling getUpdates with this bot token", report);

            // the backoff grows (1, 2, 4 s) and the poll comes back once the other process is gone
            var waited = await BotHarness.AdvanceUntilAsync(time, () => _api.CallsTo("getUpdates").Count >= 4, TimeSpan.FromMilliseconds(250));
            Assert.InRange(waited, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(8));
            // The long poll answers with the next update: the conflict is over.
            _api.Enqueue(_api.Updates.Text(7002, 7002, "/start"));
            await BotHarness.WaitUntilAsync(() => bot.Logs.Text.Contains("getUpdates works again"), "the recovery line");
            Assert.True((await readiness.EvaluateAsync(default)).Ready);

            var logs = await bot.StopAsync();
            Assert.Single(Lines(logs, "ERR", "getUpdates answered 409 Conflict: another process is polling getUpdates with this bot token: stop the other instance"));
            Assert.Equal(2, Lines(logs, "WRN", "getUpdates failed (409 Conflict: terminated by other getUpdates request").Length);
            Assert.Single(Lines(logs, "INF", "getUpdates works again after 3 answers of 409 Conflict"));
        }
    }

    [Fact]
    public async Task I_see_the_webhook_named_as_the_cause_when_getUpdates_meets_a_webhook_set_by_another_deployment()
    {
        // Arrange
        _api.FailNext("getUpdates", BotApiFault.WebhookActive());

        // Act
        var bot = await BotHarness.StartAsync(api: _api);
        await using (bot)
        {
            await _api.WaitForCallsAsync("getUpdates", 2);
            var logs = await bot.StopAsync();

            // Assert
            Assert.Single(Lines(logs, "ERR", "getUpdates answered 409 Conflict: a webhook is set for this bot token"));
        }
    }
}
