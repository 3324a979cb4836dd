using System.Diagnostics;
using Npgsql;

namespace AotBot.Tests.Storage;

/// <summary>The one PostgreSQL server of the test run: specs that stop it share this collection, so they never overlap.</summary>
public static class PostgresServer
{
    public const string Collection = "PostgreSQL server";

    /// <summary>AOTBOT_TEST_POSTGRES: the server's connection string, empty when there is none.</summary>
    public static string ConnectionString { get; } = Environment.GetEnvironmentVariable("AOTBOT_TEST_POSTGRES") ?? "";

    /// <summary>Runs <paramref name="sql"/> on a connection of its own (schemas made and dropped around a spec).</summary>
    public static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stops or starts the server (tests/scripts/postgres.sh's AOTBOT_TEST_POSTGRES_CTL).</summary>
    public static async Task ControlAsync(string verb)
    {
        var script = Environment.GetEnvironmentVariable("AOTBOT_TEST_POSTGRES_CTL")
            ?? throw new InvalidOperationException("AOTBOT_TEST_POSTGRES_CTL is not set: source tests/scripts/postgres.sh");
        using var process = Process.Start(new ProcessStartInfo(script, verb) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{script} {verb} failed: {error}");
    }
}
