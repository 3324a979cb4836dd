using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace AotBot.Storage;

/// <summary>
/// <see cref="IBotStore"/> in plain SQL that SQLite and PostgreSQL both accept (upserts with ON CONFLICT, times as
/// Unix milliseconds). The schema is migrated on first use; <see cref="StorageStartup"/> makes that first use happen
/// at start-up. Failures propagate: <see cref="ResilientBotStore"/> decides what the bot does without a database.
/// </summary>
internal sealed class SqlBotStore(SqlDatabase database, TimeProvider time, ILogger<SqlBotStore> logger) : IBotStore, IDisposable
{
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public SqlDatabase Database => database;

    /// <summary>Creates or migrates the schema once; throws <see cref="StorageSchemaTooNewException"/> for a newer database.</summary>
    public async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady) return;
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady) return;
            var (from, to) = await SchemaMigrator.MigrateAsync(database, time, cancellationToken);
            if (from == to) logger.SchemaCurrent(database.Provider, to);
            else logger.SchemaMigrated(database.Provider, from, to);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public Task<ChatSettings> GetChatSettingsAsync(long chatId, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command("SELECT language, file_mode FROM chats WHERE id = @id").With("@id", chatId);
            return await command.FirstOrDefaultAsync<SettingsRow>(ct) is { } row
                ? new ChatSettings(chatId, row.Language, row.FileMode)
                : ChatSettings.Default(chatId);
        }, cancellationToken);

    public Task SaveChatSettingsAsync(ChatSettings settings, CancellationToken cancellationToken) =>
        WriteAsync(async (write, ct) =>
        {
            await using var command = write.Command("""
                INSERT INTO chats (id, language, file_mode) VALUES (@id, @language, @file_mode)
                ON CONFLICT (id) DO UPDATE SET language = excluded.language, file_mode = excluded.file_mode
                """)
                .With("@id", settings.ChatId)
                .With("@language", settings.Language)
                .With("@file_mode", (int)settings.FileMode);
            await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken, durable: true);

    public Task<long?> GetChatMigrationAsync(long chatId, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command("SELECT to_chat_id FROM chat_migrations WHERE from_chat_id = @id").With("@id", chatId);
            return await command.ScalarInt64Async(ct);
        }, cancellationToken);

    public Task MigrateChatAsync(long fromChatId, long toChatId, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (write, ct) =>
        {
            await using (var mapping = write.Command("""
                INSERT INTO chat_migrations (from_chat_id, to_chat_id, migrated_at_ms) VALUES (@from, @to, @at)
                ON CONFLICT (from_chat_id) DO UPDATE SET to_chat_id = excluded.to_chat_id, migrated_at_ms = excluded.migrated_at_ms
                """).With("@from", fromChatId).With("@to", toChatId).With("@at", at.ToUnixTimeMilliseconds()))
                await mapping.ExecuteNonQueryAsync(ct);
            await using var settings = write.Command("""
                INSERT INTO chats (id, language, file_mode) SELECT @to, language, file_mode FROM chats WHERE id = @from
                ON CONFLICT (id) DO NOTHING
                """).With("@from", fromChatId).With("@to", toChatId);
            await settings.ExecuteNonQueryAsync(ct);
            // Telegram may tell the bot it joined the supergroup: a group that had its privacy notice must not get it again.
            await using var notice = write.Command("""
                INSERT INTO group_notices (chat_id, sent_at_ms) SELECT @to, sent_at_ms FROM group_notices WHERE chat_id = @from
                ON CONFLICT (chat_id) DO NOTHING
                """).With("@from", fromChatId).With("@to", toChatId);
            await notice.ExecuteNonQueryAsync(ct);
        }, cancellationToken, durable: true);

    public Task TouchUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        WriteAsync(async (write, ct) =>
        {
            // A start argument arriving after the user was first seen (in a group, say) is still their first one.
            await using var command = write.Command("""
                INSERT INTO users (id, registered_at_ms, language_code, start_argument)
                VALUES (@id, @registered_at_ms, @language_code, @start_argument)
                ON CONFLICT (id) DO UPDATE SET start_argument = excluded.start_argument
                WHERE users.start_argument IS NULL AND excluded.start_argument IS NOT NULL
                """)
                .With("@id", user.UserId)
                .With("@registered_at_ms", user.SeenAt.ToUnixTimeMilliseconds())
                .With("@language_code", user.LanguageCode)
                .With("@start_argument", user.StartArgument);
            await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<long> GetUpdateOffsetAsync(CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command("SELECT value FROM bot_state WHERE key = 'update_offset'");
            return await command.ScalarInt64Async(ct) ?? 0;
        }, cancellationToken);

    public Task<CachedMedia?> GetCachedMediaAsync(string source, string postId, FileMode mode, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.Command($"""
                SELECT {CacheRow.Columns} FROM media_cache
                WHERE source = @source AND post_id = @post_id AND mode = @mode AND version = @version
                """)
                .With("@source", source)
                .With("@post_id", postId)
                .With("@mode", (int)mode)
                .With("@version", CachedMedia.CurrentVersion);
            return (await command.FirstOrDefaultAsync<CacheRow>(ct))?.Media;
        }, cancellationToken);

    public Task SaveCachedMediaAsync(CachedMedia media, CancellationToken cancellationToken)
    {
        var files = CachedFiles.Encode(media.FileIds);
        return WriteAsync(async (write, ct) =>
        {
            await using var command = write.Command($"""
                INSERT INTO media_cache ({CacheRow.Columns}, cached_at_ms)
                VALUES (@source, @post_id, @mode, @kind, @files, @width, @height, @duration_seconds, @preview,
                        @music_title, @music_performer, @version, @cached_at_ms)
                ON CONFLICT (source, post_id, mode) DO UPDATE SET
                    kind = excluded.kind, files = excluded.files, width = excluded.width, height = excluded.height,
                    duration_seconds = excluded.duration_seconds, preview = excluded.preview,
                    music_title = excluded.music_title, music_performer = excluded.music_performer,
                    version = excluded.version, cached_at_ms = excluded.cached_at_ms
                """)
                .With("@source", media.Source)
                .With("@post_id", media.PostId)
                .With("@mode", (int)media.Mode)
                .With("@kind", (int)media.Kind)
                .With("@files", files)
                .With("@width", media.Width)
                .With("@height", media.Height)
                .With("@duration_seconds", media.DurationSeconds)
                .With("@preview", media.Preview)
                .With("@music_title", media.MusicTitle)
                .With("@music_performer", media.MusicPerformer)
                .With("@version", media.Version)
                .With("@cached_at_ms", time.GetUtcNow().ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public Task RecordDownloadAsync(DownloadRecord record, CancellationToken cancellationToken) =>
        WriteAsync(async (write, ct) =>
        {
            await using var command = write.Command("""
                INSERT INTO downloads (user_id, chat_id, source, post_id, kind, converted, is_inline, cache_hit, at_ms)
                VALUES (@user_id, @chat_id, @source, @post_id, @kind, @converted, @is_inline, @cache_hit, @at_ms)
                """)
                .With("@user_id", record.UserId)
                .With("@chat_id", record.ChatId)
                .With("@source", record.Source)
                .With("@post_id", record.PostId)
                .With("@kind", (int)record.Kind)
                .With("@converted", record.Converted)
                .With("@is_inline", record.Inline)
                .With("@cache_hit", record.CacheHit)
                .With("@at_ms", record.At.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<BotStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(async (connection, ct) =>
        {
            // "Today" is the UTC day of `now`.
            var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            var (from, to) = (dayStart.ToUnixTimeMilliseconds(), dayStart.AddDays(1).ToUnixTimeMilliseconds());

            await using var users = connection.Command("""
                SELECT COUNT(*), COALESCE(SUM(CASE WHEN registered_at_ms >= @from AND registered_at_ms < @to THEN 1 ELSE 0 END), 0)
                FROM users
                """).With("@from", from).With("@to", to);
            var userCounts = await users.FirstOrDefaultAsync<UserCountsRow>(ct) ?? new UserCountsRow(0, 0);

            await using var downloads = connection.Command("""
                SELECT kind, COUNT(*),
                       SUM(CASE WHEN at_ms >= @from AND at_ms < @to THEN 1 ELSE 0 END),
                       SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END)
                FROM downloads GROUP BY kind
                """).With("@from", from).With("@to", to);
            var kinds = await downloads.ToListAsync<KindCountsRow>(ct);

            var today = Enum.GetValues<DownloadKind>().ToDictionary(k => k, _ => 0L);
            var total = new Dictionary<DownloadKind, long>(today);
            foreach (var row in kinds)
            {
                today[row.Kind] = row.Today;
                total[row.Kind] = row.Total;
            }
            var all = kinds.Sum(k => k.Total);
            var ratio = all == 0 ? 0 : kinds.Sum(k => k.CacheHits) / (double)all;
            return new BotStats(userCounts.Total, userCounts.NewToday, today, total, ratio);
        }, cancellationToken);

    public async Task<bool> ClaimGroupNoticeAsync(long chatId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var claimed = false;
        await WriteAsync(async (write, ct) =>
        {
            await using var command = write.Command("INSERT INTO group_notices (chat_id, sent_at_ms) VALUES (@id, @at) ON CONFLICT (chat_id) DO NOTHING")
                .With("@id", chatId)
                .With("@at", at.ToUnixTimeMilliseconds());
            claimed = await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
        return claimed;
    }

    public void Dispose() => _schemaGate.Dispose();

    internal async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await read(connection, cancellationToken);
    }

    private Task WriteAsync(Func<SqlWrite, CancellationToken, Task> work, CancellationToken cancellationToken, bool durable = false) =>
        WriteAsync(async (write, ct) => { await work(write, ct); return true; }, cancellationToken, durable);

    /// <summary>One transaction (with SQLite, the writer's turn) that commits when <paramref name="work"/> returns.</summary>
    internal async Task<T> WriteAsync<T>(Func<SqlWrite, CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool durable = false)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var write = await database.BeginWriteAsync(cancellationToken, durable);
        var result = await work(write, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return result;
    }

    private sealed record SettingsRow(string? Language, FileMode FileMode) : IDbRow<SettingsRow>
    {
        public static SettingsRow Map(DbDataReader reader) => new(reader.GetNullableString(0), (FileMode)reader.GetInt32(1));
    }

    private sealed record CacheRow(CachedMedia Media) : IDbRow<CacheRow>
    {
        public const string Columns =
            "source, post_id, mode, kind, files, width, height, duration_seconds, preview, music_title, music_performer, version";

        public static CacheRow Map(DbDataReader reader) => new(new CachedMedia(
            Source: reader.GetString(0),
            PostId: reader.GetString(1),
            Mode: (FileMode)reader.GetInt32(2),
            Kind: (DownloadKind)reader.GetInt32(3),
            FileIds: CachedFiles.Decode(reader.GetString(4)),
            Width: reader.GetNullableInt32(5),
            Height: reader.GetNullableInt32(6),
            DurationSeconds: reader.GetNullableInt32(7),
            Preview: reader.GetNullableString(8),
            MusicTitle: reader.GetNullableString(9),
            MusicPerformer: reader.GetNullableString(10),
            Version: reader.GetInt32(11)));
    }

    private sealed record UserCountsRow(long Total, long NewToday) : IDbRow<UserCountsRow>
    {
        public static UserCountsRow Map(DbDataReader reader) => new(reader.GetInt64(0), reader.GetInt64(1));
    }

    private sealed record KindCountsRow(DownloadKind Kind, long Total, long Today, long CacheHits) : IDbRow<KindCountsRow>
    {
        public static KindCountsRow Map(DbDataReader reader) =>
            new((DownloadKind)reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }
}

/// <summary>
/// The cached file list as one text column: a <c>sent_as file_id</c> line per file. Telegram's file_ids are URL-safe
/// base64 and SentAs is a word, so neither holds a space or a line break.
/// </summary>
internal static class CachedFiles
{
    public static string Encode(IReadOnlyList<CachedFile> files)
    {
        foreach (var file in files)
        {
            if (!IsWord(file.FileId) || !IsWord(file.SentAs))
                throw new ArgumentException($"A cached file needs a non-empty file_id and SentAs without white space, got '{file.SentAs}'.", nameof(files));
        }
        return string.Join('\n', files.Select(f => f.SentAs + " " + f.FileId));
    }

    public static IReadOnlyList<CachedFile> Decode(string text)
    {
        if (text.Length == 0) return [];
        var lines = text.Split('\n');
        var files = new CachedFile[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            var space = lines[i].IndexOf(' ');
            files[i] = new CachedFile(FileId: lines[i][(space + 1)..], SentAs: lines[i][..space]);
        }
        return files;
    }

    private static bool IsWord(string value) => value.Length > 0 && !value.Any(char.IsWhiteSpace);
}
