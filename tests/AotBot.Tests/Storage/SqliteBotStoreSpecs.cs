using AotBot.Storage;
using Microsoft.Data.Sqlite;

namespace AotBot.Tests.Storage;

/// <summary>The storage suite against an SQLite file in a temp folder; "away" is another process holding the write lock.</summary>
public sealed class SqliteBotStoreSpecs : BotStoreSpecs
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aotbot-sqlite-").FullName;
    private SqliteConnection? _locker;

    private string DatabasePath => Path.Combine(_folder, "aotbot.db");

    protected override string Provider => "sqlite";

    // Lock waits: long enough for the concurrency spec on a busy machine, short where the file is held on purpose.
    private protected override SqlDatabase OpenDatabase(bool failFast = false) =>
        new SqliteDatabase($"Data Source={DatabasePath};Default Timeout={(failFast ? 1 : 30)}");

    protected override async Task TakeDatabaseAwayAsync()
    {
        _locker = await SqliteWriteLock.TakeAsync(DatabasePath);
    }

    protected override async Task BringDatabaseBackAsync()
    {
        if (_locker is null) return;
        await _locker.DisposeAsync();
        _locker = null;
    }

    public override async Task DisposeAsync()
    {
        await BringDatabaseBackAsync();
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task I_can_find_the_database_in_WAL_mode()
    {
        // Act
        await NewStore().EnsureSchemaAsync(default);

        // Assert
        Assert.Equal("wal", (await QueryAsync("PRAGMA journal_mode")).Single()[0]);
    }
}
