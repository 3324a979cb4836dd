using AotBot.Storage;
using Npgsql;

namespace AotBot.Tests.Storage;

/// <summary>
/// The storage suite against the PostgreSQL server of tests/scripts/postgres.sh, one schema per spec; "away" is the
/// server stopped (and started again) through AOTBOT_TEST_POSTGRES_CTL.
/// </summary>
[RequiresEnvironment("AOTBOT_TEST_POSTGRES")]
[Collection(PostgresServer.Collection)]
public sealed class PostgresBotStoreSpecs : BotStoreSpecs
{
    private static string Server => PostgresServer.ConnectionString;
    private readonly string _schema = "spec_" + Guid.NewGuid().ToString("N");

    protected override string Provider => "postgres";

    private protected override SqlDatabase OpenDatabase(bool failFast = false) =>
        new PostgresDatabase(new NpgsqlConnectionStringBuilder(Server) { SearchPath = _schema }.ConnectionString);

    public override async Task InitializeAsync() => await PostgresServer.AdminAsync($"CREATE SCHEMA {_schema}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresServer.AdminAsync($"DROP SCHEMA {_schema} CASCADE");
    }

    [Fact]
    public async Task Two_bots_in_two_schemas_of_one_database_each_elect_their_own_poller()
    {
        // Arrange: a second bot keeps its tables in another schema of the same database.
        var other = "spec_" + Guid.NewGuid().ToString("N");
        await PostgresServer.AdminAsync($"CREATE SCHEMA {other}");
        var otherDatabase = new PostgresDatabase(new NpgsqlConnectionStringBuilder(Server) { SearchPath = other }.ConnectionString);
        await using var mine = new PollerElection(OpenDatabase(), Logs.For<PollerElection>());
        await using var mineAgain = new PollerElection(OpenDatabase(), Logs.For<PollerElection>());
        await using var theirs = new PollerElection(otherDatabase, Logs.For<PollerElection>());
        try
        {
            // Act
            var (first, second, third) = (await mine.TryLeadAsync(default), await mineAgain.TryLeadAsync(default), await theirs.TryLeadAsync(default));

            // Assert: one poller per schema
            Assert.Equal((true, false, true), (first, second, third));
        }
        finally
        {
            await theirs.DisposeAsync();
            await otherDatabase.DisposeAsync();
            await PostgresServer.AdminAsync($"DROP SCHEMA {other} CASCADE");
        }
    }

    protected override Task TakeDatabaseAwayAsync() => PostgresServer.ControlAsync("stop");

    protected override Task BringDatabaseBackAsync() => PostgresServer.ControlAsync("start");
}
