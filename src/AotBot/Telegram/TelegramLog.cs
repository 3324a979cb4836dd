using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Telegram;

internal static partial class TelegramLog
{
    [ZLoggerMessage(5001, LogLevel.Information, "Bot @{username} ({botId}) started; taking updates from offset {offset}")]
    public static partial void Started(this ILogger logger, string username, long botId, long offset);

    [ZLoggerMessage(5002, LogLevel.Warning, "getMe failed ({error}); retrying in {seconds} s")]
    public static partial void GetMeFailed(this ILogger logger, string error, double seconds);

    [ZLoggerMessage(5003, LogLevel.Warning, "getUpdates failed ({error}); retrying in {seconds} s")]
    public static partial void PollFailed(this ILogger logger, string error, double seconds);

    [ZLoggerMessage(5004, LogLevel.Warning, "Skipped update {updateId}: Telegram.Bot cannot read it ({error})")]
    public static partial void UpdateUnreadable(this ILogger logger, long updateId, string error);

    [ZLoggerMessage(5005, LogLevel.Error, "Update {updateId} ({kind}) failed: {errorType}: {error}")]
    public static partial void UpdateFailed(this ILogger logger, long updateId, string kind, string errorType, string error);

    [ZLoggerMessage(5006, LogLevel.Information, "Chat {chatId} is closed to the bot: {description}")]
    public static partial void ChatClosed(this ILogger logger, long chatId, string description);

    [ZLoggerMessage(5007, LogLevel.Warning, "Telegram asked to wait {seconds} s before {method} (attempt {attempt})")]
    public static partial void TooManyRequests(this ILogger logger, string method, int seconds, int attempt);

    [ZLoggerMessage(5008, LogLevel.Warning, "{method} failed ({error}); retry {attempt} in {seconds} s")]
    public static partial void SendRetry(this ILogger logger, string method, string error, int attempt, double seconds);

    [ZLoggerMessage(5009, LogLevel.Information, "Stopping: waiting for {count} updates in progress")]
    public static partial void Draining(this ILogger logger, int count);

    [ZLoggerMessage(5010, LogLevel.Warning, "Shutdown timeout: {count} updates were cancelled and will be delivered again after the restart")]
    public static partial void DrainTimedOut(this ILogger logger, int count);

    [ZLoggerMessage(5011, LogLevel.Information, "Sent {kind} of {source}/{postId} to chat {chatId} in {elapsedMs} ms (cache hit: {cacheHit}, converted: {converted})")]
    public static partial void Delivered(this ILogger logger, string kind, string source, string postId, long chatId, long elapsedMs, bool cacheHit, bool converted);

    [ZLoggerMessage(5012, LogLevel.Warning, "Link in chat {chatId} failed: {errorType} ({key}): {error}")]
    public static partial void JobFailed(this ILogger logger, long chatId, string errorType, string key, string error);

    [ZLoggerMessage(5013, LogLevel.Error, "Link in chat {chatId} crashed: {errorType}: {error}")]
    public static partial void JobCrashed(this ILogger logger, long chatId, string errorType, string error);

    [ZLoggerMessage(5014, LogLevel.Debug, "Chat action {action} in chat {chatId} failed: {error}")]
    public static partial void ChatActionFailed(this ILogger logger, string action, long chatId, string error);

    [ZLoggerMessage(5015, LogLevel.Warning, "Image {index} of {source}/{postId} could not be converted ({error}); it goes as a document")]
    public static partial void ConversionFailed(this ILogger logger, int index, string source, string postId, string error);

    [ZLoggerMessage(5016, LogLevel.Information, "User {userId} has {limit} links in progress; refused one more")]
    public static partial void QueueFull(this ILogger logger, long userId, int limit);

    [ZLoggerMessage(5017, LogLevel.Warning, "Image {index} of {source}/{postId} could not be downloaded: {error}")]
    public static partial void ImageSkipped(this ILogger logger, int index, string source, string postId, string error);

    [ZLoggerMessage(5018, LogLevel.Information, "Bot membership in chat {chatId} ({chatType}) is now {status}")]
    public static partial void MembershipChanged(this ILogger logger, long chatId, string chatType, string status);

    [ZLoggerMessage(5019, LogLevel.Warning, "Inline result for user {userId} failed: {errorType} ({key}): {error}")]
    public static partial void InlineFailed(this ILogger logger, long userId, string errorType, string key, string error);

    [ZLoggerMessage(5020, LogLevel.Debug, "Ignored a call result: {method} failed ({error})")]
    public static partial void Ignored(this ILogger logger, string method, string error);

    [ZLoggerMessage(5021, LogLevel.Warning, "getUpdates returned only updates in progress ({count}); waiting for one to finish")]
    public static partial void PollSaturated(this ILogger logger, int count);

    // 5200-5219: Bot API rules (thumbnails, migrated groups, photo limits, callbacks).
    [ZLoggerMessage(5200, LogLevel.Warning, "No thumbnail from a cover on {host}: {errorType}: {error}")]
    public static partial void ThumbnailFailed(this ILogger logger, string host, string errorType, string error);

    [ZLoggerMessage(5201, LogLevel.Information, "Chat {oldChatId} migrated to supergroup {newChatId}; its settings moved and its sends go there")]
    public static partial void ChatMigrated(this ILogger logger, long oldChatId, long newChatId);

    [ZLoggerMessage(5202, LogLevel.Warning, "Telegram refused an album of {count} photos in chat {chatId} ({error}); they go one by one")]
    public static partial void AlbumRefused(this ILogger logger, long chatId, int count, string error);

    [ZLoggerMessage(5203, LogLevel.Information, "Image {name} is {width}x{height}, {bytes} bytes, past Telegram's photo limits: {action}")]
    public static partial void PhotoOutOfLimits(this ILogger logger, string name, int width, int height, long bytes, string action);

    [ZLoggerMessage(5204, LogLevel.Warning, "Slideshow {source}/{postId} goes as an album instead of one video: {reason}")]
    public static partial void SlideshowVideoFallback(this ILogger logger, string source, string postId, string reason);

    [ZLoggerMessage(5205, LogLevel.Information, "The music of slideshow {source}/{postId} could not be fetched ({reason}); its video has no sound")]
    public static partial void SlideshowMusicMissing(this ILogger logger, string source, string postId, string reason);
}
