using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Telegram;

// Event ids 5900-5919: webhook mode.
internal static partial class TelegramLog
{
    [ZLoggerMessage(5900, LogLevel.Information, "Webhook set to {url}: receiving updates on {path}")]
    public static partial void WebhookSet(this ILogger logger, string url, string path);

    [ZLoggerMessage(5901, LogLevel.Error, "setWebhook failed ({error}); retrying in {seconds} s")]
    public static partial void SetWebhookFailed(this ILogger logger, string error, double seconds);

    [ZLoggerMessage(5902, LogLevel.Debug, "Webhook request refused with {status} ({reason})")]
    public static partial void WebhookRejected(this ILogger logger, int status, string reason);
}
