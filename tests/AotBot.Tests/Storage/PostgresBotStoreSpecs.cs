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

    protected override Task TakeDatabaseAwayAsync() => PostgresServer.ControlAsync("stop");

    protected override Task BringDatabaseBackAsync() => PostgresServer.ControlAsync("start");
}
