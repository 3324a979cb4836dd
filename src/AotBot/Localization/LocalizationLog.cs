using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Localization;

internal static partial class LocalizationLog
{
    [ZLoggerMessage(7001, LogLevel.Information, "Loaded {count} locales: {languages}")]
    public static partial void LocalesLoaded(this ILogger logger, int count, string languages);

    [ZLoggerMessage(7002, LogLevel.Warning, "No text for {key} in any locale; the key itself is shown")]
    public static partial void UnknownKey(this ILogger logger, string key);
}
