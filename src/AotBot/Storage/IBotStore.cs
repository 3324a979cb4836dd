namespace AotBot.Storage;

/// <summary>
/// How media goes: as photos/videos (converted where needed), as original documents, or like Media but with slideshows
/// made into one video with their music. Stored as its number.
/// </summary>
public enum FileMode { Media = 0, Files = 1, Video = 2 }

/// <summary>What the bot downloaded for a request.</summary>
public enum DownloadKind { Video = 0, Slideshow = 1, Music = 2 }

/// <summary>A private chat's user or a group: language and file mode.</summary>
public sealed record ChatSettings(long ChatId, string? Language, FileMode FileMode)
{
    public static ChatSettings Default(long chatId) => new(chatId, null, FileMode.Media);
}

/// <summary>A user seen by the bot; <see cref="StartArgument"/> is the /start deep-link payload, if any.</summary>
public sealed record UserRecord(long UserId, string? LanguageCode, string? StartArgument, DateTimeOffset SeenAt);

/// <summary>One answered request, for statistics.</summary>
public sealed record DownloadRecord(
    long UserId, long ChatId, string Source, string PostId, DownloadKind Kind,
    bool Converted, bool Inline, bool CacheHit, DateTimeOffset At);

/// <summary>
/// Telegram file_ids of a post already sent, enough to send it again with no download.
/// <see cref="FileIds"/> are in send order (one for a video or music, one per image for a slideshow).
/// </summary>
public sealed record CachedMedia(
    string Source, string PostId, FileMode Mode, DownloadKind Kind, IReadOnlyList<CachedFile> FileIds,
    int? Width, int? Height, int? DurationSeconds, string? Preview, string? MusicTitle, string? MusicPerformer,
    int Version = CachedMedia.CurrentVersion)
{
    /// <summary>Bump to invalidate every cached entry written by older binaries.</summary>
    public const int CurrentVersion = 1;
}

/// <summary>One cached file: its file_id and how it was sent (<c>photo</c>, <c>video</c>, <c>document</c>, <c>audio</c>).</summary>
public sealed record CachedFile(string FileId, string SentAs);

/// <summary>Figures for <c>/stats</c>.</summary>
public sealed record BotStats(
    long UsersTotal, long UsersNewToday,
    IReadOnlyDictionary<DownloadKind, long> DownloadsToday, IReadOnlyDictionary<DownloadKind, long> DownloadsTotal,
    double CacheHitRatio);

/// <summary>The database is unreachable, so what must not be faked (saving settings, statistics) failed.</summary>
public sealed class StorageUnavailableException()
    : AotBotException("The database is unavailable; nothing was saved. Try again in a minute.");

/// <summary>
/// Everything that must survive a restart. SQLite and PostgreSQL implement it and pass the same suite;
/// an in-memory one serves tests.
/// </summary>
/// <remarks>
/// <para>The registered store keeps the bot working while the database is unreachable: reads fall back (default
/// settings, cache misses, offset 0), writes of users, downloads and cache entries are dropped, and only <see cref="SaveChatSettingsAsync"/> and <see cref="GetStatsAsync"/> throw
/// <see cref="StorageUnavailableException"/>. It recovers by itself when the database is back.</para>
/// </remarks>
public interface IBotStore
{
    Task<ChatSettings> GetChatSettingsAsync(long chatId, CancellationToken cancellationToken);

    /// <summary>
    /// Committed before it returns: the reply that says a setting changed comes after. Throws
    /// <see cref="StorageUnavailableException"/> when it could not be saved.
    /// </summary>
    Task SaveChatSettingsAsync(ChatSettings settings, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the user on first sight; keeps the first registration time and the first start argument (one that
    /// arrives after the user was first seen without any is still recorded).
    /// </summary>
    Task TouchUserAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>The offset to ask getUpdates for next: one past the highest update id stored (see <see cref="IUpdateQueue"/>).</summary>
    Task<long> GetUpdateOffsetAsync(CancellationToken cancellationToken);

    /// <summary>The entry saved for the post in that mode, or null when none was, or it was saved with another version.</summary>
    Task<CachedMedia?> GetCachedMediaAsync(string source, string postId, FileMode mode, CancellationToken cancellationToken);

    Task SaveCachedMediaAsync(CachedMedia media, CancellationToken cancellationToken);

    Task RecordDownloadAsync(DownloadRecord record, CancellationToken cancellationToken);

    /// <summary>Counts for <c>/stats</c>; "today" is the UTC day of <paramref name="now"/>. Every kind is present, 0 when none.</summary>
    Task<BotStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The supergroup <paramref name="chatId"/> was migrated to, or null when it was not.</summary>
    Task<long?> GetChatMigrationAsync(long chatId, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers that group <paramref name="fromChatId"/> became supergroup <paramref name="toChatId"/> and copies its
    /// settings there (settings the supergroup already has are kept).
    /// </summary>
    Task MigrateChatAsync(long fromChatId, long toChatId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the privacy-mode notice goes to group <paramref name="chatId"/>: true the first time only, across
    /// restarts and instances, so a group hears it once. Without a database: false (silence rather than a repeat).
    /// </summary>
    Task<bool> ClaimGroupNoticeAsync(long chatId, DateTimeOffset at, CancellationToken cancellationToken);
}
