using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace AotBot.Storage;

/// <summary>
/// What the bot sees of storage: the database when it answers, and when it does not, defaults (settings), misses
/// (file_id cache), dropped writes (users, downloads, cache) and
/// <see cref="StorageUnavailableException"/> for what must not be faked (saving settings, statistics).
/// After a failure the database is left alone for <see cref="RetryInterval"/>, then one call tries it again, so a
/// dead server costs one timeout per interval rather than one per update. At most one warning per
/// <see cref="LogInterval"/>, and a line when a warned-about outage ends.
/// </summary>
internal sealed class ResilientBotStore(SqlBotStore inner, TimeProvider time, ILogger<ResilientBotStore> logger) : IBotStore
{
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private volatile bool _down;
    private DateTimeOffset _downSince;
    private DateTimeOffset _retryAt;
    // Across outages, so that a database coming and going still costs one warning a minute.
    private DateTimeOffset? _warnedAt;
    private bool _outageWarned;
    private long _outageFallbacks;
    private long _unwarnedFallbacks;

    public Task<ChatSettings> GetChatSettingsAsync(long chatId, CancellationToken cancellationToken) =>
        OrFallback(ct => inner.GetChatSettingsAsync(chatId, ct), ChatSettings.Default(chatId), cancellationToken);

    public Task SaveChatSettingsAsync(ChatSettings settings, CancellationToken cancellationToken) =>
        OrThrow(async ct => { await inner.SaveChatSettingsAsync(settings, ct); return true; }, cancellationToken);

    public Task<long?> GetChatMigrationAsync(long chatId, CancellationToken cancellationToken) =>
        OrFallback(ct => inner.GetChatMigrationAsync(chatId, ct), null, cancellationToken);

    // Without the database the mapping lives only in ChatMigrations' memory until the next migration message.
    public Task MigrateChatAsync(long fromChatId, long toChatId, DateTimeOffset at, CancellationToken cancellationToken) =>
        OrFallback(async ct => { await inner.MigrateChatAsync(fromChatId, toChatId, at, ct); return true; }, false, cancellationToken);

    public Task TouchUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        OrFallback(async ct => { await inner.TouchUserAsync(user, ct); return true; }, false, cancellationToken);

    // Without the database the bot asks Telegram for everything not yet confirmed, and tracks the offset itself.
    public Task<long> GetUpdateOffsetAsync(CancellationToken cancellationToken) =>
        OrFallback(inner.GetUpdateOffsetAsync, 0L, cancellationToken);

    public Task<CachedMedia?> GetCachedMediaAsync(string source, string postId, FileMode mode, CancellationToken cancellationToken) =>
        OrFallback(ct => inner.GetCachedMediaAsync(source, postId, mode, ct), null, cancellationToken);

    public Task SaveCachedMediaAsync(CachedMedia media, CancellationToken cancellationToken) =>
        OrFallback(async ct => { await inner.SaveCachedMediaAsync(media, ct); return true; }, false, cancellationToken);

    public Task RecordDownloadAsync(DownloadRecord record, CancellationToken cancellationToken) =>
        OrFallback(async ct => { await inner.RecordDownloadAsync(record, ct); return true; }, false, cancellationToken);

    public Task<BotStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        OrThrow(ct => inner.GetStatsAsync(now, ct), cancellationToken);

    public Task<bool> ClaimGroupNoticeAsync(long chatId, DateTimeOffset at, CancellationToken cancellationToken) =>
        OrFallback(ct => inner.ClaimGroupNoticeAsync(chatId, at, ct), false, cancellationToken);

    /// <summary>
    /// The failures that mean "no database to use": any database error (unreachable, locked, full, schema too new)
    /// or a timeout. The bot goes on without the database rather than stop on it; anything else propagates.
    /// </summary>
    internal static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        DbException or TimeoutException or IOException or SocketException or StorageSchemaTooNewException => true,
        // A timeout of our own making (Npgsql's connect timeout, the start-up wait), not the caller giving up.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private async Task<T> OrFallback<T>(Func<CancellationToken, Task<T>> operation, T fallback, CancellationToken cancellationToken)
    {
        var (ok, value) = await TryAsync(operation, cancellationToken);
        return ok ? value! : fallback;
    }

    private async Task<T> OrThrow<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var (ok, value) = await TryAsync(operation, cancellationToken);
        return ok ? value! : throw new StorageUnavailableException();
    }

    /// <summary>The operation's value, or not ok when the database is down (or found down now); shared with <see cref="ResilientUpdateQueue"/>.</summary>
    internal async Task<(bool Ok, T? Value)> TryAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (!MayTry()) return (false, default);
        try
        {
            var value = await operation(cancellationToken);
            Succeeded();
            return (true, value);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            Failed(ex);
            return (false, default);
        }
    }

    private bool MayTry()
    {
        if (!_down) return true;
        lock (_gate)
        {
            if (!_down) return true;
            var now = time.GetUtcNow();
            if (now < _retryAt)
            {
                _outageFallbacks++;
                _unwarnedFallbacks++;
                return false;
            }
            // This call probes; the others keep falling back until it succeeds or the next interval.
            _retryAt = now + RetryInterval;
            return true;
        }
    }

    private void Succeeded()
    {
        if (!_down) return;
        long? seconds = null, fallbacks = null;
        lock (_gate)
        {
            if (!_down) return;
            if (_outageWarned)
                (seconds, fallbacks) = ((long)(time.GetUtcNow() - _downSince).TotalSeconds, _outageFallbacks);
            _down = false;
        }
        if (seconds is not null)
            logger.Recovered(inner.Database.Provider, seconds.Value, fallbacks!.Value);
    }

    private void Failed(Exception exception)
    {
        // Broken pooled connections would each fail once more after the server is back.
        inner.Database.ClearPool();
        long? warn = null;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (!_down) (_down, _downSince, _outageWarned, _outageFallbacks) = (true, now, false, 0);
            _retryAt = now + RetryInterval;
            _outageFallbacks++;
            _unwarnedFallbacks++;
            if (_warnedAt is not { } warned || now - warned >= LogInterval)
            {
                warn = _unwarnedFallbacks;
                (_warnedAt, _outageWarned, _unwarnedFallbacks) = (now, true, 0);
            }
        }
        if (warn is { } fallbacks)
            logger.Unavailable(inner.Database.Provider, Describe(exception), fallbacks);
    }

    internal static string Describe(Exception exception) =>
        exception.InnerException is { } inner && inner.Message != exception.Message
            ? $"{exception.GetType().Name}: {exception.Message} ({inner.Message})"
            : $"{exception.GetType().Name}: {exception.Message}";
}
