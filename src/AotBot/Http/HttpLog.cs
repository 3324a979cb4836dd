using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Http;

/// <summary>Why an attempt failed in a way worth retrying.</summary>
internal enum TransientFailure { Status, ConnectionFailed, ReadIdleTimeout, AttemptTimeout, TruncatedBody }

internal static partial class HttpLog
{
    [ZLoggerMessage(2001, LogLevel.Warning, "Retry {attempt} of {maxAttempts} for {url} in {delayMs} ms after {failure} {status}")]
    public static partial void Retrying(this ILogger logger, int attempt, int maxAttempts, string url, long delayMs, TransientFailure failure, int status);

    [ZLoggerMessage(2002, LogLevel.Debug, "Redirect {hop} from {from} to {to}")]
    public static partial void Redirected(this ILogger logger, int hop, string from, string to);

    [ZLoggerMessage(2003, LogLevel.Warning, "Refused to connect to {host}: loopback, private or reserved address")]
    public static partial void AddressRefused(this ILogger logger, string host);

    [ZLoggerMessage(2004, LogLevel.Information, "Download of {url} failed ({failure}); trying fallback URL {next} of {count}")]
    public static partial void FallingBack(this ILogger logger, string url, HttpFailure failure, int next, int count);

    [ZLoggerMessage(2005, LogLevel.Information, "Request to {url} failed: {failure} {status}")]
    public static partial void RequestFailed(this ILogger logger, string url, HttpFailure failure, int status);

    [ZLoggerMessage(2006, LogLevel.Debug, "Body of {url} spilled to a temp file at {bytes} bytes")]
    public static partial void SpilledToFile(this ILogger logger, string url, long bytes);

    [ZLoggerMessage(2007, LogLevel.Information, "{count} proxies configured")]
    public static partial void ProxiesConfigured(this ILogger logger, int count);

    [ZLoggerMessage(2008, LogLevel.Information, "Removed {count} temp files ({bytes} bytes) a killed run left in {directory}")]
    public static partial void StaleTempFilesRemoved(this ILogger logger, long count, long bytes, string directory);

    [ZLoggerMessage(2020, LogLevel.Warning, "Telegram did not answer {method} within {seconds} s ({bytes} bytes sent); the call fails and is retried")]
    public static partial void TelegramCallTimedOut(this ILogger logger, string method, double seconds, long bytes);
}
