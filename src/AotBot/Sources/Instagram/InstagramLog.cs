using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Sources.Instagram;

internal static partial class InstagramLog
{
    [ZLoggerMessage(3040, LogLevel.Information, "Instagram post {shortcode}: the {path} path failed: {outcome}")]
    public static partial void PathFailed(this ILogger logger, string shortcode, string path, string outcome);

    [ZLoggerMessage(3041, LogLevel.Information, "Instagram post {shortcode} extracted by the {path} path: {kind} of {count} media")]
    public static partial void PathServed(this ILogger logger, string shortcode, string path, string kind, int count);

    [ZLoggerMessage(3042, LogLevel.Debug, "Instagram share link {url} leads to post {shortcode}")]
    public static partial void ShareLinkResolved(this ILogger logger, string url, string shortcode);
}
