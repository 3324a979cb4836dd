using AotBot.Hosting;
using AotBot.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Storage;

/// <summary>What an operator sees at start-up: the exit code and the one line for each storage misconfiguration.</summary>
public sealed class StorageStartupSpecs : IDisposable
{
    private const string Token = "--Telegram:Token=123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";
    // Nothing may leave the machine, should any service get as far as calling Telegram.
    private const string LocalApi = "--Telegram:ApiBaseUrl=http://127.0.0.1:9";
    private readonly string _folder = Directory.CreateTempSubdirectory("aotbot-startup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal static StorageStartup Startup(SqlBotStore store, LogCapture logs) =>
        new(store, new SqlUpdateQueue(store, TimeProvider.System, logs.For<SqlUpdateQueue>()), new SingleInstanceLock(store.Database),
            logs.For<StorageStartup>());

    private static async Task<(int Exit, string Err)> RunCli(params string[] args)
    {
        var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, new StringWriter(), stderr);
        return (exit, stderr.ToString().Trim());
    }

    [Fact]
    public async Task I_get_exit_code_2_and_one_line_when_the_database_is_newer_than_the_binary()
    {
        // Arrange
        var path = Path.Combine(_folder, "newer.db");
        await using (var database = new SqliteDatabase($"Data Source={path}"))
        {
            await SchemaMigrator.MigrateAsync(database, new FakeTimeProvider(), default);
            await using var connection = await database.OpenAsync(default);
            await using var command = connection.Command("INSERT INTO schema_version (version, applied_at_ms) VALUES (99, 0)");
            await command.ExecuteNonQueryAsync();
        }

        // Act
        var (exit, err) = await RunCli("run", Token, LocalApi, $"--Storage:ConnectionString=Data Source={path}");

        // Assert
        Assert.Equal(2, exit);
        Assert.Equal("Storage: the sqlite database is at schema version 99, newer than this aotbot knows (6); " +
            "run a newer aotbot or set AOTBOT_Storage__ConnectionString to another database", err);
    }

    [Fact]
    public async Task I_get_exit_code_2_and_one_line_when_another_process_runs_on_the_same_sqlite_file()
    {
        // Arrange: the lock a running bot holds on the file (a flock: another process or this one, it is the same).
        var path = Path.Combine(_folder, "taken.db");
        await using var database = new SqliteDatabase($"Data Source={path}");
        using var running = new SingleInstanceLock(database);
        Assert.True(running.TryTake());

        // Act
        var (exit, err) = await RunCli("run", Token, LocalApi, $"--Storage:ConnectionString=Data Source={path}");
        running.Dispose();
        using var next = new SingleInstanceLock(database);

        // Assert
        Assert.Equal(2, exit);
        Assert.Equal($"Storage: another aotbot is running on {path}.lock; SQLite serves one instance " +
            "(run several on PostgreSQL: AOTBOT_Storage__Provider=postgres)", err);
        Assert.True(next.TryTake());
    }

    [Fact]
    public async Task I_get_exit_code_2_and_one_line_when_the_sqlite_file_cannot_be_opened()
    {
        // Act
        var (exit, err) = await RunCli("run", Token, LocalApi, $"--Storage:ConnectionString=Data Source={_folder}/no/such/folder/aotbot.db");

        // Assert
        Assert.Equal(2, exit);
        Assert.Equal("Storage: cannot open the sqlite database (SqliteException: SQLite Error 14: 'unable to open database file'.): " +
            "check AOTBOT_Storage__ConnectionString", err);
    }

    [Theory]
    [InlineData("postgres", "Data Source=aotbot.db", "Storage:ConnectionString is not a valid postgres connection string (")]
    [InlineData("postgres", "Database=aotbot", "Storage:ConnectionString must name a PostgreSQL server (Host=...;Database=...;Username=...): set AOTBOT_Storage__ConnectionString")]
    [InlineData("sqlite", "Data Sauce=aotbot.db", "Storage:ConnectionString is not a valid sqlite connection string (")]
    [InlineData("sqlite", "Data Source=:memory:", "Storage:ConnectionString must name an SQLite file (Data Source=<path>): set AOTBOT_Storage__ConnectionString")]
    public async Task I_get_exit_code_2_and_one_line_for_a_connection_string_the_provider_cannot_use(
        string provider, string connectionString, string expected)
    {
        // Act
        var (exit, err) = await RunCli("check-config", Token, $"--Storage:Provider={provider}", $"--Storage:ConnectionString={connectionString}");

        // Assert
        Assert.Equal(2, exit);
        Assert.StartsWith(expected, err);
        Assert.EndsWith(": set AOTBOT_Storage__ConnectionString", err);
        Assert.Single(err.Split('\n'));
    }

    [Fact]
    public async Task I_can_start_while_the_postgres_server_is_unreachable_and_see_one_warning()
    {
        // Arrange: port 1 on loopback refuses at once.
        await using var database = new PostgresDatabase("Host=127.0.0.1;Port=1;Username=aotbot;Timeout=3");
        var logs = new LogCapture();
        var store = new SqlBotStore(database, new FakeTimeProvider(), logs.For<SqlBotStore>());

        // Act
        await StorageStartupSpecs.Startup(store, logs).StartAsync(default);

        // Assert
        var line = Assert.Single(logs.WithId(6005));
        Assert.StartsWith("Storage postgres is unreachable at start-up: NpgsqlException: ", line);
    }

    [Theory]
    [InlineData("sqlite", "Data Source=aotbot.db", typeof(SqliteDatabase))]
    [InlineData("postgres", "Host=127.0.0.1;Port=1", typeof(PostgresDatabase))]
    public void I_get_the_resilient_store_over_the_configured_provider(string provider, string connectionString, Type expected)
    {
        // Arrange
        using var host = AotBotHost.CreateBuilder(
            [Token, $"--Storage:Provider={provider}", $"--Storage:ConnectionString={connectionString}"], Stream.Null).Build();

        // Act
        var store = host.Services.GetRequiredService<IBotStore>();
        var database = host.Services.GetRequiredService<SqlDatabase>();

        // Assert
        Assert.IsType<ResilientBotStore>(store);
        Assert.IsType(expected, database);
    }
}
