using AotBot.Core;
using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Storage;

internal static partial class StorageLog
{
    [ZLoggerMessage(6001, LogLevel.Information, "Storage {provider}: schema migrated from version {from} to {to}")]
    public static partial void SchemaMigrated(this ILogger logger, string provider, int from, int to);

    [ZLoggerMessage(6002, LogLevel.Debug, "Storage {provider}: schema is at version {version}")]
    public static partial void SchemaCurrent(this ILogger logger, string provider, int version);

    [ZLoggerMessage(6003, LogLevel.Warning, "Storage {provider} is unavailable: {error}. Settings fall back to defaults, the file_id cache misses and writes are dropped; {fallbacks} operations fell back since the last report")]
    public static partial void Unavailable(this ILogger logger, string provider, string error, long fallbacks);

    [ZLoggerMessage(6004, LogLevel.Information, "Storage {provider} is available again after {seconds} s; {fallbacks} operations fell back meanwhile")]
    public static partial void Recovered(this ILogger logger, string provider, long seconds, long fallbacks);

    [ZLoggerMessage(6005, LogLevel.Warning, "Storage {provider} is unreachable at start-up: {error}. The bot starts without it and keeps trying")]
    public static partial void UnreachableAtStart(this ILogger logger, string provider, string error);

    [ZLoggerMessage(6006, LogLevel.Debug, "Storage {provider}: pruned {count} finished updates older than {hours} h")]
    public static partial void Pruned(this ILogger logger, string provider, int count, int hours);

    [ZLoggerMessage(6007, LogLevel.Error, "Update {updateId} is parked after {attempts} attempts: {error}")]
    public static partial void UpdateParked(this ILogger logger, long updateId, int attempts, string error);

    [ZLoggerMessage(6008, LogLevel.Information, "Storage {provider}: this instance holds the poller lock and calls getUpdates")]
    public static partial void Polling(this ILogger logger, string provider);

    [ZLoggerMessage(6009, LogLevel.Information, "Storage {provider}: another instance calls getUpdates; this one works the update queue and asks again every few seconds")]
    public static partial void NotPolling(this ILogger logger, string provider);

    [ZLoggerMessage(6010, LogLevel.Warning, "Storage {provider}: the connection holding the poller lock is gone ({error}); another instance may poll now, or, while the database is away, this one polls on without it")]
    public static partial void PollerLockLost(this ILogger logger, string provider, string error);
}
