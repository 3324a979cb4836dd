using AotBot.Telegram;
using AotBot.Tests.Storage;
using AotBot.Tests.Telegram;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AotBot.Tests.Reliability;

/// <summary>
/// Two bots in one process on one PostgreSQL (tests/scripts/postgres.sh) and one fake Bot API, polling: one polls,
/// both work the queue, every update is answered once, and when the poller stops the other polls; a user's jobs are
/// counted across both.
/// </summary>
[RequiresEnvironment("AOTBOT_TEST_POSTGRES")]
[Collection(PostgresServer.Collection)]
public sealed class SeveralInstancesSpecs : IAsyncLifetime
{
    private readonly string _schema = "spec_" + Guid.NewGuid().ToString("N");
    private FakeBotApi _api = null!;
    private FakeTikTokServer _tikTok = null!;

    public async Task InitializeAsync()
    {
        await PostgresServer.AdminAsync($"CREATE SCHEMA {_schema}");
        _api = await FakeBotApi.StartAsync();
        _tikTok = await FakeTikTokServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _tikTok.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.AdminAsync($"DROP SCHEMA {_schema} CASCADE");
    }

    private Task<BotHarness> StartInstanceAsync() => BotHarness.StartAsync(
        [
            "--Storage:Provider=postgres",
            $"--Storage:ConnectionString={new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = _schema }}",
            "--Limits:MaxJobsPerUser=2",
            .. _tikTok.CommandLineArgs(withFallbackApi: false),
        ],
        api: _api);

    private long[] Greet(int users, long firstUser) =>
        [.. Enumerable.Range(0, users * 2).Select(i => _api.Enqueue(_api.Updates.Text(firstUser + i % users, firstUser + i % users, "/start")))];

    [DatabaseFact]
    public async Task One_instance_polls_both_answer_each_update_once_and_the_other_polls_when_the_poller_stops()
    {
        // Arrange
        var first = await StartInstanceAsync();
        var second = await StartInstanceAsync();
        BotHarness other;
        int pollers, followers;
        try
        {
            // Act: 10 users write twice each
            Greet(10, 9600);
            await _api.WaitForCallsAsync("sendMessage", 20, TimeSpan.FromSeconds(30));
            pollers = new[] { first, second }.Count(b => b.Logs.Text.Contains("holds the poller lock"));
            followers = new[] { first, second }.Count(b => b.Logs.Text.Contains("another instance calls getUpdates"));
        }
        catch
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            throw;
        }
        // the poller stops; 5 more users write
        var poller = first.Logs.Text.Contains("holds the poller lock") ? first : second;
        other = poller == first ? second : first;
        await poller.DisposeAsync();
        await using (other)
        {
            Greet(5, 9700);
            await _api.WaitForCallsAsync("sendMessage", 30, TimeSpan.FromSeconds(30));
            await Task.Delay(500); // room for a duplicate to show
        }

        // Assert
        Assert.Equal((1, 1), (pollers, followers));
        Assert.Contains("holds the poller lock", other.Logs.Text);
        var answers = _api.CallsTo("sendMessage").GroupBy(c => c.ChatId).ToDictionary(g => g.Key!.Value, g => g.Count());
        Assert.Equal(15, answers.Count);
        Assert.All(answers.Values, count => Assert.Equal(2, count));
    }

    [DatabaseFact]
    public async Task A_user_with_two_jobs_in_progress_on_either_instance_is_refused_a_third_by_both()
    {
        // Arrange: two instances; the CDN holds every video mid-body, so jobs stay in progress
        const long user = 9800;
        var posts = Enumerable.Range(0, 3).Select(i => _tikTok.Add(new FakeTikTokPost($"73508109980239880{i:00}"))).ToArray();
        _tikTok.HoldMedia();
        await using var first = await StartInstanceAsync();
        await using var second = await StartInstanceAsync();
        var limiters = new[] { first, second }.Select(b => b.Host.Services.GetRequiredService<JobLimiter>()).ToArray();

        // Act: two links in two messages; both jobs wait at the CDN, whichever instance runs them
        _api.Enqueue(_api.Updates.Text(user, user, posts[0].Link.ToString()));
        _api.Enqueue(_api.Updates.Text(user, user, posts[1].Link.ToString()));
        await BotHarness.WaitUntilAsync(() => _tikTok.HeldMediaRequests == 2, "two videos held mid-body");
        var refusedByFirst = await limiters[0].TryAdmitAsync(user, default);
        var refusedBySecond = await limiters[1].TryAdmitAsync(user, default);
        _api.Enqueue(_api.Updates.Text(user, user, posts[2].Link.ToString()));
        var queueFull = await _api.WaitForCallAsync("sendMessage", c => c.ChatId == user, TimeSpan.FromSeconds(30));
        var heldWhileFull = _tikTok.HeldMediaRequests;
        _tikTok.ReleaseMedia();
        await _api.WaitForCallsAsync("sendVideo", 2, TimeSpan.FromSeconds(30));
        await BotHarness.WaitUntilAsync(() => first.Logs.Text.Contains("links in progress") || second.Logs.Text.Contains("links in progress"),
            "the refusal logged");
        IAsyncDisposable? afterBothEnded = null;
        await BotHarness.WaitUntilAsync(() =>
        {
            afterBothEnded ??= limiters[1].TryAdmitAsync(user, default).AsTask().GetAwaiter().GetResult();
            return afterBothEnded is not null;
        }, "a place again once the jobs ended");
        await afterBothEnded!.DisposeAsync();
        await Task.Delay(500); // room for a third video to show

        // Assert: no instance saw room for a third job while two ran, on either instance
        Assert.Null(refusedByFirst);
        Assert.Null(refusedBySecond);
        Assert.Equal(2, heldWhileFull);
        Assert.Equal(2, _api.CallsTo("sendVideo").Count);
        Assert.Equal(user, queueFull.ChatId);
    }
}
