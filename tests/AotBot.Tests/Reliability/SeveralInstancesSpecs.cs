using AotBot.Tests.Storage;
using AotBot.Tests.Telegram;
using AotBot.Testing.FakeBotApi;
using Npgsql;

namespace AotBot.Tests.Reliability;

/// <summary>
/// Two bots in one process on one PostgreSQL (tests/scripts/postgres.sh) and one fake Bot API, polling: one polls,
/// both work the queue, every update is answered once, and when the poller stops the other polls.
/// </summary>
[RequiresEnvironment("AOTBOT_TEST_POSTGRES")]
[Collection(PostgresServer.Collection)]
public sealed class SeveralInstancesSpecs : IAsyncLifetime
{
    private readonly string _schema = "spec_" + Guid.NewGuid().ToString("N");
    private FakeBotApi _api = null!;

    public async Task InitializeAsync()
    {
        await PostgresServer.AdminAsync($"CREATE SCHEMA {_schema}");
        _api = await FakeBotApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.AdminAsync($"DROP SCHEMA {_schema} CASCADE");
    }

    private Task<BotHarness> StartInstanceAsync() => BotHarness.StartAsync(
        [
            "--Storage:Provider=postgres",
            $"--Storage:ConnectionString={new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = _schema }}",
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
}
