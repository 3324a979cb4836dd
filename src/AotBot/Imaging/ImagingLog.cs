using Microsoft.Extensions.Logging;
using ZLogger;

namespace AotBot.Imaging;

internal static partial class ImagingLog
{
    [ZLoggerMessage(4001, LogLevel.Information, "Image conversion pool: {workers} workers, queue limit {queueLimit}, libheif {libheifVersion}")]
    public static partial void PoolStarted(this ILogger logger, int workers, int queueLimit, string libheifVersion);

    [ZLoggerMessage(4002, LogLevel.Debug, "Converted {format} {inputBytes} bytes to a {width}x{height} JPEG of {outputBytes} bytes in {milliseconds} ms (document: {asDocument})")]
    public static partial void Converted(this ILogger logger, ImageFormat format, int inputBytes, int width, int height, int outputBytes, long milliseconds, bool asDocument);

    [ZLoggerMessage(4003, LogLevel.Warning, "Could not convert a {format} image of {inputBytes} bytes: {reason}")]
    public static partial void ConversionFailed(this ILogger logger, ImageFormat format, int inputBytes, string reason);

    [ZLoggerMessage(4004, LogLevel.Warning, "libheif is not available ({reason}); HEIC/AVIF images go out as documents")]
    public static partial void LibheifMissing(this ILogger logger, string reason);

    [ZLoggerMessage(4005, LogLevel.Warning, "Slideshow image {index} of {count} left out of the video: {reason}")]
    public static partial void SlideshowImageLeftOut(this ILogger logger, int index, int count, string reason);

    [ZLoggerMessage(4006, LogLevel.Debug, "Slideshow video: {images} of {count} images, {width}x{height}, {seconds:0.0} s, music {hasMusic}, {bytes} bytes in {milliseconds} ms")]
    public static partial void SlideshowComposed(this ILogger logger, int images, int count, int width, int height, double seconds, bool hasMusic, int bytes, long milliseconds);
}
