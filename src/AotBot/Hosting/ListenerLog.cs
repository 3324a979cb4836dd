using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Hosting;

// Event ids 1100-1199: the HTTP listener.
internal static partial class HostingLog
{
    [ZLoggerMessage(1100, LogLevel.Information, "Listening on http://{endPoint} for {paths}")]
    public static partial void ListenerStarted(this ILogger logger, string endPoint, string paths);

    [ZLoggerMessage(1101, LogLevel.Warning, "Listener at its limit of {maxConnections} connections: new ones get 503")]
    public static partial void ListenerConnectionRefused(this ILogger logger, int maxConnections);

    [ZLoggerMessage(1102, LogLevel.Warning, "Listener could not accept a connection: {error}")]
    public static partial void ListenerAcceptFailed(this ILogger logger, string error);

    [ZLoggerMessage(1103, LogLevel.Error, "Request to {path} failed: {errorType}: {message}")]
    public static partial void ListenerHandlerFailed(this ILogger logger, string path, string errorType, string message);
}
