using AotBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using FileMode = AotBot.Storage.FileMode;

namespace AotBot.Tests.Storage;

/// <summary>
/// The one storage suite: each provider's class says how to reach a fresh database, how to take it away and how to
/// bring it back; every spec here runs against both.
/// </summary>
public abstract partial class BotStoreSpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly List<SqlDatabase> _open = [];

    private protected FakeTimeProvider Time { get; } = new(Noon);

    private protected LogCapture Logs { get; } = new();

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    protected abstract string Provider { get; }

    /// <summary>
    /// A new connection to this spec's database, as a restarted process opens it. <paramref name="failFast"/>: lock
    /// waits short enough for a spec where the database goes away.
    /// </summary>
    private protected abstract SqlDatabase OpenDatabase(bool failFast = false);

    /// <summary>Makes the database refuse writes (at least) until <see cref="BringDatabaseBackAsync"/>.</summary>
    protected abstract Task TakeDatabaseAwayAsync();

    protected abstract Task BringDatabaseBackAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var database in _open) await database.DisposeAsync();
    }

    private protected SqlBotStore NewStore(bool failFast = false)
    {
        var database = OpenDatabase(failFast);
        _open.Add(database);
        return new SqlBotStore(database, Time, Logs.For<SqlBotStore>());
    }

    /// <summary>Closes the store's database like a process exit, and opens a new store on the same database.</summary>
    private protected async Task<SqlBotStore> RestartAsync(SqlBotStore store)
    {
        _open.Remove(store.Database);
        await store.Database.DisposeAsync();
        return NewStore();
    }

    private protected SqlUpdateQueue QueueOf(SqlBotStore store) => new(store, Time, Logs.For<SqlUpdateQueue>());

    /// <summary>Stores text updates (id, chat) as a receiver would, moving the offset past the last.</summary>
    private protected static Task<Enqueued> EnqueueAsync(IUpdateQueue queue, params (long Id, long Chat)[] updates) =>
        queue.EnqueueAsync([.. updates.Select(u => new QueuedUpdate(u.Id, u.Chat, $$"""{"update_id":{{u.Id}}}"""))],
            updates.Max(u => u.Id) + 1, default);

    private protected ResilientBotStore Resilient(SqlBotStore store) => new(store, Time, Logs.For<ResilientBotStore>());

    private protected async Task ExecuteAsync(string sql)
    {
        var database = OpenDatabase();
        await using var _ = database;
        await using var connection = await database.OpenAsync(default);
        await using var command = connection.Command(sql);
        await command.ExecuteNonQueryAsync();
    }

    private protected async Task<IReadOnlyList<object?[]>> QueryAsync(string sql)
    {
        var database = OpenDatabase();
        await using var _ = database;
        await using var connection = await database.OpenAsync(default);
        await using var command = connection.Command(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private async Task<long[]> SchemaVersionsAsync() =>
        (await QueryAsync("SELECT version FROM schema_version ORDER BY version")).Select(r => Convert.ToInt64(r[0])).ToArray();

    private static CachedMedia Slideshow(string postId, int version = CachedMedia.CurrentVersion) => new(
        "tiktok", postId, FileMode.Media, DownloadKind.Slideshow,
        [new CachedFile("AgACAgIAAxkBAAIBZ2c-photo_1", "photo"), new CachedFile("BQACAgIAAxkBAAICa2c-doc_2", "document")],
        Width: null, Height: null, DurationSeconds: null, Preview: "two lines\nof caption, with spaces", MusicTitle: null,
        MusicPerformer: null, Version: version);

    private static void AssertSameMedia(CachedMedia expected, CachedMedia? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { FileIds = [] }, actual with { FileIds = [] });
        Assert.Equal(expected.FileIds, actual.FileIds);
    }

    [DatabaseFact]
    public async Task I_get_default_settings_for_a_chat_never_saved()
    {
        // Act
        var settings = await NewStore().GetChatSettingsAsync(-100123, default);

        // Assert
        Assert.Equal(ChatSettings.Default(-100123), settings);
    }

    [DatabaseFact]
    public async Task I_can_claim_the_group_notice_of_a_chat_once_across_restarts_and_racing_instances()
    {
        // Arrange: a database of the previous schema (no notice table yet)
        var database = OpenDatabase();
        await using (database)
        {
            Assert.Equal((0, 4), await SchemaMigrator.MigrateAsync(database, Time, default, targetVersion: 4));
        }
        var store = NewStore();

        // Act
        var first = await store.ClaimGroupNoticeAsync(-100700, Time.GetUtcNow(), default);
        var again = await (await RestartAsync(store)).ClaimGroupNoticeAsync(-100700, Time.GetUtcNow(), default);
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => NewStore().ClaimGroupNoticeAsync(-100701, Time.GetUtcNow(), default)));

        // Assert
        Assert.True(first);
        Assert.False(again);
        Assert.Equal(1, racing.Count(claimed => claimed));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, await SchemaVersionsAsync());
    }

    [DatabaseFact]
    public async Task I_can_save_settings_cache_and_offset_and_read_them_back_after_a_restart()
    {
        // Arrange
        var store = NewStore();
        await store.SaveChatSettingsAsync(new ChatSettings(42, "ru", FileMode.Files), default);
        await store.SaveChatSettingsAsync(new ChatSettings(-100500, null, FileMode.Media), default);
        await EnqueueAsync(QueueOf(store), (100, 42));
        await store.SaveCachedMediaAsync(Slideshow("7300000000000000001"), default);

        // Act
        var restarted = await RestartAsync(store);
        await restarted.SaveChatSettingsAsync(new ChatSettings(42, "en", FileMode.Media), default);
        var again = await RestartAsync(restarted);

        // Assert
        Assert.Equal(new ChatSettings(42, "en", FileMode.Media), await again.GetChatSettingsAsync(42, default));
        Assert.Equal(new ChatSettings(-100500, null, FileMode.Media), await again.GetChatSettingsAsync(-100500, default));
        Assert.Equal(101, await again.GetUpdateOffsetAsync(default));
        Assert.Equal(1, (await QueueOf(again).CountsAsync(default)).Depth);
        AssertSameMedia(Slideshow("7300000000000000001"), await again.GetCachedMediaAsync("tiktok", "7300000000000000001", FileMode.Media, default));
    }

    [DatabaseFact]
    public async Task I_can_cache_media_per_mode_and_get_a_miss_for_another_mode_or_an_older_version()
    {
        // Arrange
        var store = NewStore();
        var video = new CachedMedia("tiktok", "7300000000000000002", FileMode.Files, DownloadKind.Video,
            [new CachedFile("BAACAgIAAxkBAAIC-video", "document")], 1080, 1920, 61, "preview", null, null);
        var music = new CachedMedia("tiktok", "7300000000000000002", FileMode.Media, DownloadKind.Music,
            [new CachedFile("CQACAgIAAxkBAAID-audio", "audio")], null, null, 15, null, "original sound", "someone");

        // Act
        await store.SaveCachedMediaAsync(video, default);
        await store.SaveCachedMediaAsync(music, default);
        await store.SaveCachedMediaAsync(Slideshow("7300000000000000003", CachedMedia.CurrentVersion - 1), default);
        await store.SaveCachedMediaAsync(video with { Width = 720, Height = 1280 }, default);

        // Assert
        AssertSameMedia(video with { Width = 720, Height = 1280 }, await store.GetCachedMediaAsync("tiktok", "7300000000000000002", FileMode.Files, default));
        AssertSameMedia(music, await store.GetCachedMediaAsync("tiktok", "7300000000000000002", FileMode.Media, default));
        Assert.Null(await store.GetCachedMediaAsync("instagram", "7300000000000000002", FileMode.Files, default));
        Assert.Null(await store.GetCachedMediaAsync("tiktok", "7300000000000000003", FileMode.Media, default));
    }

    [DatabaseFact]
    public async Task I_can_keep_a_users_first_registration_and_first_start_argument()
    {
        // Arrange
        var store = NewStore();
        var first = Time.GetUtcNow().AddDays(-3);

        // Act
        await store.TouchUserAsync(new UserRecord(5, "en", null, first), default);
        await store.TouchUserAsync(new UserRecord(5, "de", "ref42", first.AddDays(1)), default);
        await store.TouchUserAsync(new UserRecord(5, "fr", "other", first.AddDays(2)), default);

        // Assert
        var row = Assert.Single(await QueryAsync("SELECT registered_at_ms, language_code, start_argument FROM users"));
        Assert.Equal(first.ToUnixTimeMilliseconds(), Convert.ToInt64(row[0]));
        Assert.Equal("en", row[1]);
        Assert.Equal("ref42", row[2]);
    }

    [DatabaseFact]
    public async Task I_can_get_stats_for_today_and_in_total_by_kind()
    {
        // Arrange
        var store = NewStore();
        var now = Time.GetUtcNow();
        var yesterday = now.AddDays(-1);
        var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        await store.TouchUserAsync(new UserRecord(1, "en", null, yesterday), default);
        await store.TouchUserAsync(new UserRecord(2, "en", null, midnight), default);
        await store.TouchUserAsync(new UserRecord(3, null, null, midnight.AddDays(1).AddTicks(-TimeSpan.TicksPerMillisecond)), default);
        await store.TouchUserAsync(new UserRecord(1, "en", null, now), default);
        DownloadRecord Download(DownloadKind kind, bool hit, DateTimeOffset at) =>
            new(1, 1, "tiktok", "p", kind, Converted: kind == DownloadKind.Slideshow, Inline: false, CacheHit: hit, at);
        await store.RecordDownloadAsync(Download(DownloadKind.Video, true, now), default);
        await store.RecordDownloadAsync(Download(DownloadKind.Video, false, midnight), default);
        await store.RecordDownloadAsync(Download(DownloadKind.Music, true, yesterday), default);
        await store.RecordDownloadAsync(Download(DownloadKind.Slideshow, false, now), default);

        // Act
        var stats = await store.GetStatsAsync(now, default);

        // Assert
        Assert.Equal(3, stats.UsersTotal);
        Assert.Equal(2, stats.UsersNewToday);
        Assert.Equal(new Dictionary<DownloadKind, long> { [DownloadKind.Video] = 2, [DownloadKind.Slideshow] = 1, [DownloadKind.Music] = 0 }, stats.DownloadsToday);
        Assert.Equal(new Dictionary<DownloadKind, long> { [DownloadKind.Video] = 2, [DownloadKind.Slideshow] = 1, [DownloadKind.Music] = 1 }, stats.DownloadsTotal);
        Assert.Equal(0.5, stats.CacheHitRatio, 6);
    }

    [DatabaseFact]
    public async Task I_get_zero_stats_from_an_empty_database()
    {
        // Act
        var stats = await NewStore().GetStatsAsync(Time.GetUtcNow(), default);

        // Assert
        Assert.Equal(0, stats.UsersTotal);
        Assert.All(Enum.GetValues<DownloadKind>(), kind => Assert.Equal(0, stats.DownloadsTotal[kind]));
        Assert.Equal(0, stats.CacheHitRatio);
    }

    [DatabaseFact]
    public async Task I_can_write_from_several_instances_and_tasks_at_once_and_lose_nothing()
    {
        // Arrange: three stores are three bot processes, each handling three updates at a time.
        var stores = Enumerable.Range(0, 3).Select(_ => NewStore()).ToArray();
        await stores[0].EnsureSchemaAsync(default);
        const int PerTask = 15;

        // Act
        await Task.WhenAll(stores.SelectMany((store, s) => Enumerable.Range(0, 3).Select(t => Task.Run(async () =>
        {
            for (var n = 0; n < PerTask; n++)
            {
                var id = (s * 3 + t) * 100 + n;
                await store.TouchUserAsync(new UserRecord(id, "en", null, Time.GetUtcNow()), default);
                await store.RecordDownloadAsync(new DownloadRecord(id, id, "tiktok", $"p{id}", DownloadKind.Video, false, false, n % 3 == 0, Time.GetUtcNow()), default);
                await EnqueueAsync(QueueOf(store), (id, id));
                await store.SaveChatSettingsAsync(new ChatSettings(-1, $"l{s}{t}", FileMode.Files), default);
            }
        }))));

        // Assert
        var stats = await NewStore().GetStatsAsync(Time.GetUtcNow(), default);
        Assert.Equal(9 * PerTask, stats.UsersTotal);
        Assert.Equal(9 * PerTask, stats.DownloadsTotal[DownloadKind.Video]);
        Assert.Equal(9 * 5 / (double)(9 * PerTask), stats.CacheHitRatio, 6);
        Assert.Equal(800 + PerTask, await stores[1].GetUpdateOffsetAsync(default));
        Assert.Equal(9 * PerTask, Convert.ToInt64((await QueryAsync("SELECT COUNT(*) FROM updates"))[0][0]));
        Assert.Equal(FileMode.Files, (await stores[2].GetChatSettingsAsync(-1, default)).FileMode);
    }

    [DatabaseFact]
    public async Task I_can_migrate_a_group_to_its_supergroup_with_its_settings_and_its_notice_and_find_the_mapping_after_a_restart()
    {
        // Arrange
        var store = NewStore();
        await store.SaveChatSettingsAsync(new ChatSettings(-501, "uk", FileMode.Files), default);
        await store.SaveChatSettingsAsync(new ChatSettings(-1000502, "ru", FileMode.Media), default);
        await store.SaveChatSettingsAsync(new ChatSettings(-502, "en", FileMode.Files), default);
        Assert.True(await store.ClaimGroupNoticeAsync(-501, Time.GetUtcNow(), default));

        // Act: one supergroup new to the bot, one that already has its own settings
        await store.MigrateChatAsync(-501, -1000501, Time.GetUtcNow(), default);
        await store.MigrateChatAsync(-502, -1000502, Time.GetUtcNow(), default);
        await store.MigrateChatAsync(-502, -1000502, Time.GetUtcNow(), default);
        var restarted = await RestartAsync(store);

        // Assert
        Assert.Equal(-1000501, await restarted.GetChatMigrationAsync(-501, default));
        Assert.Equal(-1000502, await restarted.GetChatMigrationAsync(-502, default));
        Assert.Null(await restarted.GetChatMigrationAsync(-1000501, default));
        Assert.Equal(new ChatSettings(-1000501, "uk", FileMode.Files), await restarted.GetChatSettingsAsync(-1000501, default));
        Assert.Equal(new ChatSettings(-1000502, "ru", FileMode.Media), await restarted.GetChatSettingsAsync(-1000502, default));
        Assert.False(await restarted.ClaimGroupNoticeAsync(-1000501, Time.GetUtcNow(), default));
        Assert.True(await restarted.ClaimGroupNoticeAsync(-1000502, Time.GetUtcNow(), default));
    }

    [DatabaseFact]
    public async Task I_can_migrate_an_empty_database_once_and_find_it_current_the_next_time()
    {
        // Act
        await NewStore().EnsureSchemaAsync(default);
        await NewStore().EnsureSchemaAsync(default);

        // Assert
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, await SchemaVersionsAsync());
        Assert.Equal(new[] { $"Storage {Provider}: schema migrated from version 0 to 6" }, Logs.WithId(6001));
        Assert.Equal(new[] { $"Storage {Provider}: schema is at version 6" }, Logs.WithId(6002));
    }

    [DatabaseFact]
    public async Task I_can_migrate_a_database_of_the_previous_schema_and_keep_its_rows()
    {
        // Arrange: version 1 holds the seed's tables only.
        var database = OpenDatabase();
        await using (database)
        {
            Assert.Equal((0, 1), await SchemaMigrator.MigrateAsync(database, Time, default, targetVersion: 1));
        }
        await ExecuteAsync("INSERT INTO chats (id, language, file_mode) VALUES (77, 'uk', 1)");
        await ExecuteAsync($"INSERT INTO users (id, registered_at_ms, language_code, start_argument) VALUES (77, {Time.GetUtcNow().ToUnixTimeMilliseconds()}, 'uk', 'ad')");

        // Act
        var store = NewStore();
        await store.SaveCachedMediaAsync(Slideshow("after-migration"), default);
        await EnqueueAsync(QueueOf(store), (9, 77));

        // Assert
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, await SchemaVersionsAsync());
        Assert.Equal(new ChatSettings(77, "uk", FileMode.Files), await store.GetChatSettingsAsync(77, default));
        Assert.Equal(1, (await store.GetStatsAsync(Time.GetUtcNow(), default)).UsersNewToday);
        Assert.NotNull(await store.GetCachedMediaAsync("tiktok", "after-migration", FileMode.Media, default));
        Assert.Equal(10, await store.GetUpdateOffsetAsync(default));
        Assert.Equal(new[] { $"Storage {Provider}: schema migrated from version 1 to 6" }, Logs.WithId(6001));
    }

    [DatabaseFact]
    public async Task I_am_refused_a_database_newer_than_the_binary_with_one_clear_line()
    {
        // Arrange
        await NewStore().EnsureSchemaAsync(default);
        await ExecuteAsync("INSERT INTO schema_version (version, applied_at_ms) VALUES (99, 0)");
        var store = NewStore();
        var expected = $"Storage: the {Provider} database is at schema version 99, newer than this aotbot knows (6); " +
            "run a newer aotbot or set AOTBOT_Storage__ConnectionString to another database";

        // Act
        var direct = await Assert.ThrowsAsync<StorageSchemaTooNewException>(() => store.EnsureSchemaAsync(default).AsTask());
        var atStart = await Assert.ThrowsAsync<OptionsValidationException>(
            () => StorageStartupSpecs.Startup(store, Logs).StartAsync(default));

        // Assert
        Assert.Equal(expected, direct.Message);
        Assert.Equal(expected, Assert.Single(atStart.Failures));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 99 }, await SchemaVersionsAsync());
        // A running bot whose database another instance upgraded keeps going on defaults.
        Assert.Equal(ChatSettings.Default(1), await Resilient(store).GetChatSettingsAsync(1, default));
    }

    [DatabaseFact]
    public async Task I_can_keep_the_bot_going_while_the_database_is_away_and_see_it_recover()
    {
        // Arrange
        var store = Resilient(NewStore(failFast: true));
        await store.SaveChatSettingsAsync(new ChatSettings(7, "de", FileMode.Files), default);
        await store.SaveCachedMediaAsync(Slideshow("cached"), default);

        await TakeDatabaseAwayAsync();
        try
        {
            // Act: the first failure opens the way to fallbacks...
            await store.TouchUserAsync(new UserRecord(7, "de", null, Time.GetUtcNow()), default);
            var settings = await store.GetChatSettingsAsync(7, default);
            var cached = await store.GetCachedMediaAsync("tiktok", "cached", FileMode.Media, default);
            await store.RecordDownloadAsync(new DownloadRecord(7, 7, "tiktok", "p", DownloadKind.Video, false, false, false, Time.GetUtcNow()), default);
            var save = await Record.ExceptionAsync(() => store.SaveChatSettingsAsync(new ChatSettings(7, "en", FileMode.Media), default));
            var stats = await Record.ExceptionAsync(() => store.GetStatsAsync(Time.GetUtcNow(), default));
            // ...and a retry after the interval still fails, without a second warning inside the minute...
            Time.Advance(ResilientBotStore.RetryInterval);
            await store.TouchUserAsync(new UserRecord(8, "de", null, Time.GetUtcNow()), default);
            var warningsWithinTheMinute = Logs.WithId(6003).Count;
            // ...but with one a minute later.
            Time.Advance(ResilientBotStore.LogInterval);
            await store.TouchUserAsync(new UserRecord(9, "de", null, Time.GetUtcNow()), default);

            // Assert
            Assert.Equal(ChatSettings.Default(7), settings);
            Assert.Null(cached);
            Assert.IsType<StorageUnavailableException>(save);
            Assert.IsType<StorageUnavailableException>(stats);
            Assert.Equal(1, warningsWithinTheMinute);
            Assert.Equal(2, Logs.WithId(6003).Count);
            Assert.All(Logs.WithId(6003), line => Assert.StartsWith($"Storage {Provider} is unavailable: ", line));
        }
        finally
        {
            await BringDatabaseBackAsync();
        }

        // Act: back, after the retry interval.
        Time.Advance(ResilientBotStore.RetryInterval);
        var recovered = await store.GetChatSettingsAsync(7, default);
        await store.SaveChatSettingsAsync(new ChatSettings(7, "en", FileMode.Media), default);

        // Assert
        Assert.Equal(new ChatSettings(7, "de", FileMode.Files), recovered);
        Assert.Equal(new ChatSettings(7, "en", FileMode.Media), await store.GetChatSettingsAsync(7, default));
        Assert.NotNull(await store.GetCachedMediaAsync("tiktok", "cached", FileMode.Media, default));
        var line = Assert.Single(Logs.WithId(6004));
        Assert.StartsWith($"Storage {Provider} is available again after 70 s;", line);
        Assert.Single(Logs.Entries, e => e.Level == LogLevel.Information && e.Id == 6004);
    }

    [DatabaseFact]
    public async Task I_see_at_most_one_warning_a_minute_while_the_database_comes_and_goes()
    {
        // Arrange
        var store = Resilient(NewStore(failFast: true));
        await store.TouchUserAsync(new UserRecord(1, "en", null, Time.GetUtcNow()), default);

        // Act: away, back, away again and back again, all within a minute.
        foreach (var _ in new[] { 1, 2 })
        {
            await TakeDatabaseAwayAsync();
            try
            {
                await store.TouchUserAsync(new UserRecord(2, "en", null, Time.GetUtcNow()), default);
            }
            finally
            {
                await BringDatabaseBackAsync();
            }
            Time.Advance(ResilientBotStore.RetryInterval);
            await store.TouchUserAsync(new UserRecord(3, "en", null, Time.GetUtcNow()), default);
        }

        // Assert
        Assert.Single(Logs.WithId(6003));
        Assert.Single(Logs.WithId(6004));
        Assert.Equal(2, (await store.GetStatsAsync(Time.GetUtcNow(), default)).UsersTotal);
    }
}
