using AotBot.Core;
using AotBot.Localization;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Storage;
using AotBot.Tests.Telegram;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AotBot.Tests.Reliability;

/// <summary>
/// The database going away under a running bot and coming back: commands and links are still answered, each once; a
/// setting that cannot be saved says so; once the database is back (after the store's retry interval, on fake time)
/// settings are saved again and the bot never stopped taking updates.
/// </summary>
public abstract class StorageOutageSpecs : IAsyncLifetime
{
    private const long User = 9601;
    private FakeTikTokServer _tikTok = null!;

    public virtual async Task InitializeAsync() => _tikTok = await FakeTikTokServer.StartAsync();

    public virtual async Task DisposeAsync() => await _tikTok.DisposeAsync();

    /// <summary>Settings that point the bot at the database.</summary>
    private protected abstract string[] StorageSettings { get; }

    protected abstract Task TakeDatabaseAwayAsync();

    protected abstract Task BringDatabaseBackAsync();

    /// <summary>The file mode saved for a chat, read straight from the database.</summary>
    protected abstract Task<long?> SavedFileModeAsync(long chatId);

    private protected async Task The_bot_answers_through_a_database_outage_and_saves_settings_again_once_it_is_back()
    {
        // Arrange
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023976001"));
        var (bot, time) = await BotHarness.StartWithFakeTimeAsync([.. _tikTok.CommandLineArgs(withFallbackApi: false), .. StorageSettings]);
        await using var _ = bot;
        var texts = bot.Host.Services.GetRequiredService<Localizer>();
        var before = bot.Api.Enqueue(bot.Updates.Text(User, User, "/mode"));
        await bot.WaitForHandledAsync(before);

        // Act: the database goes away; a command, a link and a setting arrive
        await TakeDatabaseAwayAsync();
        long[] during;
        try
        {
            during =
            [
                bot.Api.Enqueue(bot.Updates.Text(User + 1, User + 1, "/start")),
                bot.Api.Enqueue(bot.Updates.Text(User + 2, User + 2, post.Link.ToString())),
                bot.Api.Enqueue(bot.Updates.Text(User + 3, User + 3, "/mode")),
            ];
            // Small steps: fake time must not reach the store's retry interval while each locked write waits a real second.
            await BotHarness.AdvanceUntilAsync(time, () => bot.Api.ConfirmedOffset > during[^1], TimeSpan.FromMilliseconds(10),
                limit: TimeSpan.FromSeconds(4));
        }
        finally
        {
            await BringDatabaseBackAsync();
        }
        // back: after the store's retry interval, a setting is saved again
        time.Advance(TimeSpan.FromSeconds(6));
        // The queue's own calls (claims, heartbeats) probe the database too: an update arriving while such a probe is
        // still connecting is held in memory, and a setting in it cannot be saved. Wait for the bot to see it back.
        await BotHarness.AdvanceUntilAsync(time, () => bot.Logs.Text.Contains(" is available again after "), TimeSpan.FromMilliseconds(100),
            limit: TimeSpan.FromSeconds(4));
        var after = bot.Api.Enqueue(bot.Updates.Text(User + 4, User + 4, "/mode"));
        await BotHarness.AdvanceUntilAsync(time, () => bot.Api.ConfirmedOffset > after, TimeSpan.FromMilliseconds(100), limit: TimeSpan.FromSeconds(4));
        // Stored is confirmed, not yet answered.
        await bot.WaitForHandledAsync(after);
        var fileModeOn = texts.Text("en", "file_mode_on");

        // Assert
        List<string> Replies(long chat) => [.. bot.Api.CallsTo("sendMessage").Where(c => c.ChatId == chat && c.Succeeded).Select(c => c["text"] ?? "")];
        Assert.Equal<string>([texts.Text("en", "start")], Replies(User + 1));
        Assert.Equal(post.VideoBytes, Assert.Single(bot.Api.CallsTo("sendVideo"), c => c.ChatId == User + 2).File("video")!.Bytes);
        Assert.Equal<string>([texts.Text("en", "error")], Replies(User + 3));
        Assert.Equal<string>([fileModeOn], Replies(User + 4));
        Assert.Equal(1, await SavedFileModeAsync(User));
        Assert.Null(await SavedFileModeAsync(User + 3));
        Assert.Equal(1, await SavedFileModeAsync(User + 4));
    }
}

/// <summary>SQLite: another process holding the write lock, or the file deleted and then restored from a copy.</summary>
public sealed class SqliteOutageSpecs : StorageOutageSpecs
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aotbot-outage-").FullName;
    private SqliteConnection? _locker;
    private bool _remove;

    private string DatabasePath => Path.Combine(_folder, "bot.db");

    // A short lock wait: each write tried while the file is locked costs one.
    private protected override string[] StorageSettings => [$"--Storage:ConnectionString=Data Source={DatabasePath};Default Timeout=1"];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _locker?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public Task The_bot_answers_while_another_process_holds_the_SQLite_write_lock_and_saves_again_after() =>
        The_bot_answers_through_a_database_outage_and_saves_settings_again_once_it_is_back();

    [Fact]
    public Task The_bot_answers_while_the_SQLite_file_is_gone_and_saves_again_once_it_is_restored()
    {
        _remove = true;
        return The_bot_answers_through_a_database_outage_and_saves_settings_again_once_it_is_back();
    }

    protected override async Task TakeDatabaseAwayAsync()
    {
        if (_remove)
        {
            // A copy to restore later, then the file gone, and the bot's pooled connections with it.
            await ExecuteAsync($"VACUUM INTO '{DatabasePath}.backup'");
            foreach (var file in Directory.GetFiles(_folder, "bot.db*").Where(f => !f.EndsWith(".backup", StringComparison.Ordinal)))
                File.Delete(file);
            SqliteConnection.ClearAllPools();
            return;
        }
        _locker = await SqliteWriteLock.TakeAsync(DatabasePath);
    }

    protected override async Task BringDatabaseBackAsync()
    {
        if (_remove)
        {
            foreach (var file in Directory.GetFiles(_folder, "bot.db*").Where(f => !f.EndsWith(".backup", StringComparison.Ordinal)))
                File.Delete(file);
            File.Move(DatabasePath + ".backup", DatabasePath);
            return;
        }
        if (_locker is null) return;
        await _locker.DisposeAsync();
        _locker = null;
    }

    protected override async Task<long?> SavedFileModeAsync(long chatId) =>
        await ScalarAsync($"SELECT file_mode FROM chats WHERE id = {chatId}") is long mode ? mode : null;

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}

/// <summary>PostgreSQL (tests/scripts/postgres.sh): the server stopped and started through AOTBOT_TEST_POSTGRES_CTL.</summary>
[RequiresEnvironment("AOTBOT_TEST_POSTGRES")]
[Collection(PostgresServer.Collection)]
public sealed class PostgresOutageSpecs : StorageOutageSpecs
{
    private static string Server => PostgresServer.ConnectionString;
    private readonly string _schema = "outage_" + Guid.NewGuid().ToString("N");

    private string ConnectionString => new NpgsqlConnectionStringBuilder(Server) { SearchPath = _schema }.ConnectionString;

    private protected override string[] StorageSettings => ["--Storage:Provider=postgres", $"--Storage:ConnectionString={ConnectionString}"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Server.Length > 0) await PostgresServer.AdminAsync($"CREATE SCHEMA {_schema}");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Server.Length > 0) await PostgresServer.AdminAsync($"DROP SCHEMA {_schema} CASCADE");
    }

    [DatabaseFact]
    public Task The_bot_answers_while_PostgreSQL_is_stopped_and_saves_again_once_it_is_started() =>
        The_bot_answers_through_a_database_outage_and_saves_settings_again_once_it_is_back();

    protected override Task TakeDatabaseAwayAsync() => PostgresServer.ControlAsync("stop");

    protected override Task BringDatabaseBackAsync() => PostgresServer.ControlAsync("start");

    protected override async Task<long?> SavedFileModeAsync(long chatId)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT file_mode FROM chats WHERE id = {chatId}", connection);
        return await command.ExecuteScalarAsync() is { } mode and not DBNull ? Convert.ToInt64(mode) : null;
    }
}
