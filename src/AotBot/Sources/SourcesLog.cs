using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Sources;

/// <summary>Which path served a post; logged so operators see when TikTok starts blocking the web page.</summary>
internal enum TikTokPath { WebPage, FallbackApi }

internal static partial class SourcesLog
{
    [ZLoggerMessage(3001, LogLevel.Debug, "Resolved short link {url} to post {postId}")]
    public static partial void ShortLinkResolved(this ILogger logger, string url, string postId);

    [ZLoggerMessage(3002, LogLevel.Warning, "TikTok page of post {postId} carried no data (attempt {attempt}, status {status}, {bytes} bytes)")]
    public static partial void PageBlocked(this ILogger logger, string postId, int attempt, int status, int bytes);

    [ZLoggerMessage(3003, LogLevel.Warning, "TikTok page of post {postId} failed: {failure} {status}")]
    public static partial void PageFailed(this ILogger logger, string postId, AotBot.Http.HttpFailure failure, int status);

    [ZLoggerMessage(3004, LogLevel.Information, "TikTok post {postId} extracted from the {path}: {kind}")]
    public static partial void Extracted(this ILogger logger, string postId, TikTokPath path, string kind);

    [ZLoggerMessage(3005, LogLevel.Warning, "TikTok fallback API failed for post {postId}: {reason}")]
    public static partial void FallbackFailed(this ILogger logger, string postId, string reason);

    [ZLoggerMessage(3006, LogLevel.Information, "TikTok post {postId} refused: {error}")]
    public static partial void PostRefused(this ILogger logger, string postId, string error);

    [ZLoggerMessage(3007, LogLevel.Information, "Instagram post {shortcode} extracted: {kind} of {count} media")]
    public static partial void InstagramExtracted(this ILogger logger, string shortcode, string kind, int count);

    [ZLoggerMessage(3008, LogLevel.Warning, "Instagram API failed for post {shortcode}: {status}")]
    public static partial void InstagramFailed(this ILogger logger, string shortcode, int status);
}

internal static partial class TikTokLog
{
    [ZLoggerMessage(3020, LogLevel.Warning, "TikTok page of post {postId} blocked: {outcome} (attempt {attempt}, user agent {userAgent}, proxy {proxy})")]
    public static partial void PageAttemptBlocked(this ILogger logger, string postId, string outcome, int attempt, string userAgent, string proxy);

    [ZLoggerMessage(3021, LogLevel.Information, "TikTok challenge of post {postId} solved: answer {answer} in {milliseconds} ms")]
    public static partial void ChallengeSolved(this ILogger logger, string postId, int answer, long milliseconds);

    [ZLoggerMessage(3022, LogLevel.Warning, "TikTok post {postId} has only video-only renditions; the bot does not mux sound in")]
    public static partial void OnlyVideoOnlyRenditions(this ILogger logger, string postId);

    [ZLoggerMessage(3023, LogLevel.Information, "TikTok page saved for a bug report ({outcome}): {path}")]
    public static partial void PageCaptured(this ILogger logger, string outcome, string path);

    [ZLoggerMessage(3024, LogLevel.Warning, "TikTok page could not be saved into {folder}: {error}")]
    public static partial void CaptureFailed(this ILogger logger, string folder, string error);

    [ZLoggerMessage(3025, LogLevel.Information, "TikTok short link {url} hop {hop}: {status} to {location}")]
    public static partial void ShortLinkHop(this ILogger logger, string url, int hop, int status, string location);
}
