using Microsoft.Data.Sqlite;

namespace AotBot.Tests.Smoke;

/// <summary>SQLite (its native library beside the binary) under Native AOT, and a clean stop on SIGTERM.</summary>
public sealed class StorageSmokeSpecs : IDisposable
{
    private const string ValidToken = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ZY";
    private readonly string _dir = Directory.CreateTempSubdirectory("aotbot-smoke-").FullName;

    private string DbPath => Path.Combine(_dir, "bot.db");

    private Dictionary<string, string?> Environment => new()
    {
        ["BOT_TOKEN"] = ValidToken,
        // Nothing listens there: the bot must start and stop cleanly while Telegram is unreachable.
        ["AOTBOT_Telegram__ApiBaseUrl"] = "http://127.0.0.1:9",
        ["AOTBOT_Storage__ConnectionString"] = $"Data Source={DbPath}",
    };

    [PublishedBinaryFact]
    public async Task The_published_binary_migrates_its_SQLite_database_and_stops_cleanly_on_SIGTERM()
    {
        // Arrange
        await using var bot = RunningBinary.Start([], Environment);
        await bot.WaitForLineAsync(l => l.Contains("Application started"));

        // Act
        var exit = await bot.TerminateAsync();

        // Assert
        Assert.Equal(0, exit);
        using var db = new SqliteConnection($"Data Source={DbPath}");
        db.Open();
        using var versions = db.CreateCommand();
        versions.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)";
        Assert.Equal("1,2,3,4,5,6", versions.ExecuteScalar() as string);
        using var journal = db.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", journal.ExecuteScalar() as string);
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_refuses_a_database_newer_than_itself()
    {
        // Arrange
        using (var db = new SqliteConnection($"Data Source={DbPath}"))
        {
            db.Open();
            using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at_ms bigint NOT NULL);" +
                                 "INSERT INTO schema_version VALUES (1, 0), (2, 0), (99, 0);";
            create.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        // Act
        var result = await PublishedBinary.RunAsync([], Environment);

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Storage: the sqlite database is at schema version 99, newer than this aotbot knows", result.Stderr);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
