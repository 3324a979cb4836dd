using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Telegram;

/// <summary>5300-5319: Telegram settings that stop the bot (privacy mode, inline mode, storage channel, a second poller).</summary>
internal static partial class SetupLog
{
    [ZLoggerMessage(5300, LogLevel.Information, "Privacy mode is on for @{username}: in groups the bot sees commands and replies, not links. Make it a group admin, or turn privacy off in @BotFather (/setprivacy, Disable) and re-add it to each group")]
    public static partial void PrivacyModeOn(this ILogger logger, string username);

    [ZLoggerMessage(5301, LogLevel.Warning, "Telegram:StorageChannelId is set but inline mode is off for @{username}: turn it on in @BotFather (/setinline)")]
    public static partial void InlineModeOff(this ILogger logger, string username);

    [ZLoggerMessage(5302, LogLevel.Warning, "Inline mode cannot work: storage channel {channelId}: {problem}. Add the bot to the channel as an administrator allowed to post messages")]
    public static partial void StorageChannelUnusable(this ILogger logger, long channelId, string problem);

    [ZLoggerMessage(5303, LogLevel.Error, "getUpdates answered 409 Conflict: {cause}; retrying in {seconds} s")]
    public static partial void PollConflict(this ILogger logger, string cause, double seconds);

    [ZLoggerMessage(5304, LogLevel.Information, "getUpdates works again after {failures} answers of 409 Conflict")]
    public static partial void PollConflictOver(this ILogger logger, int failures);

    [ZLoggerMessage(5305, LogLevel.Information, "Told group {chatId} that the bot sees links there only as an admin (privacy mode is on)")]
    public static partial void GroupNoticeSent(this ILogger logger, long chatId);

    [ZLoggerMessage(5306, LogLevel.Information, "Could not tell group {chatId} about privacy mode: {error}")]
    public static partial void GroupNoticeNotSent(this ILogger logger, long chatId, string error);
}
