using System.Diagnostics;
using AotBot.Storage;
using Npgsql;

namespace AotBot.Tests.Storage;

/// <summary>
/// The storage suite against the PostgreSQL server of tests/scripts/postgres.sh, one schema per spec; "away" is the
/// server stopped (and started again) through AOTBOT_TEST_POSTGRES_CTL.
/// </summary>
[RequiresEnvironment("AOTBOT_TEST_POSTGRES")]
[Collection(Reliability.PostgresServer.Collection)]
public sealed class PostgresBotStoreSpecs : BotStoreSpecs
{
    private static readonly string Server = Environment.GetEnvironmentVariable("AOTBOT_TEST_POSTGRES") ?? "";
    private readonly string _schema = "spec_" + Guid.NewGuid().ToString("N");

    protected override string Provider => "postgres";

    private protected override SqlDatabase OpenDatabase(bool failFast = false) =>
        new PostgresDatabase(new NpgsqlConnectionStringBuilder(Server) { SearchPath = _schema }.ConnectionString);

    public override async Task InitializeAsync() => await AdminAsync($"CREATE SCHEMA {_schema}");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await AdminAsync($"DROP SCHEMA {_schema} CASCADE");
    }

    protected override Task TakeDatabaseAwayAsync() => ControlAsync("stop");

    protected override Task BringDatabaseBackAsync() => ControlAsync("start");

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ControlAsync(string verb)
    {
        var script = Environment.GetEnvironmentVariable("AOTBOT_TEST_POSTGRES_CTL")
            ?? throw new InvalidOperationException("AOTBOT_TEST_POSTGRES_CTL is not set: source tests/scripts/postgres.sh");
        using var process = Process.Start(new ProcessStartInfo(script, verb) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{script} {verb} failed: {error}");
    }
}
