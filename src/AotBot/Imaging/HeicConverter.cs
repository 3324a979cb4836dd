using System.Runtime.InteropServices;
using AotBot.Core;
using AotBot.Imaging.Heif;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>
/// HEIC and AVIF to JPEG on the dedicated <see cref="ConversionPool"/>: libheif decodes (libde265, dav1d),
/// <see cref="PhotoEncoder"/> fits the result to Telegram's photo limits and encodes it (libjpeg-turbo, Skia for colour).
/// </summary>
internal sealed class HeicConverter : IImageConverter, IAsyncDisposable, IDisposable
{
    // libheif's own per-side limit, above any real photo; the pixel count is checked against Imaging:MaxPixels.
    private const int MaxSide = 32_768;

    private readonly ImagingOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BotMetrics _metrics;
    private readonly ConversionPool _pool;
    private readonly string? _libheifMissing;

    public HeicConverter(IOptions<ImagingOptions> options, BotMetrics metrics, ILogger<HeicConverter> logger, TimeProvider time)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        _metrics = metrics;
        var workers = _options.EffectiveWorkers;
        NativeHeap.KeepLargeBlocksOutOfTheHeap();
        _pool = new ConversionPool(workers, _options.QueueLimit);
        metrics.ObserveQueueDepth("conversion", () => _pool.Queued);
        try
        {
            _logger.PoolStarted(workers, _options.QueueLimit, LibheifVersion());
        }
        catch (DllNotFoundException ex)
        {
            _libheifMissing = ex.Message;
            _logger.LibheifMissing(ex.Message);
        }
    }

    private static unsafe string LibheifVersion() => Marshal.PtrToStringUTF8((nint)HeifNative.heif_get_version()) ?? "?";

    public async ValueTask<ConvertedImage> ConvertAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        var format = ImageSniffer.Detect(image.Span);
        var started = _time.GetTimestamp();
        try
        {
            if (format is not (ImageFormat.Heif or ImageFormat.Avif))
                throw new ImageConversionException(format == ImageFormat.Unknown ? "Not an image format we know." : $"{format} images are not converted.");
            if (_libheifMissing is not null)
                throw new ImageConversionException("libheif is not available: " + _libheifMissing);
            var converted = await _pool.RunAsync(() => TimedConvert(image), cancellationToken);
            _logger.Converted(format, image.Length, converted.Width, converted.Height, converted.Jpeg.Length,
                (long)_time.GetElapsedTime(started).TotalMilliseconds, converted.SendAsDocument);
            return converted;
        }
        catch (ImageConversionException ex)
        {
            _logger.ConversionFailed(format, image.Length, ex.Message);
            throw;
        }
    }

    /// <summary>
    /// The conversion proper, without the wait in the queue, into the conversion-time histogram; then the decoder's
    /// freed working memory goes back to the system: glibc keeps it in the worker's arena otherwise (about 37 MB per
    /// worker after a 12 MP image, measured), for as long as the bot idles.
    /// </summary>
    private ConvertedImage TimedConvert(ReadOnlyMemory<byte> input)
    {
        var started = _time.GetTimestamp();
        try
        {
            var converted = Convert(input);
            _metrics.ConversionFinished(_time.GetElapsedTime(started));
            return converted;
        }
        finally
        {
            NativeHeap.Trim();
        }
    }

    /// <summary>The workers and their queue (for readiness).</summary>
    internal ConversionPool Pool => _pool;

    /// <summary>Runs on a pool thread; every failure comes out as an <see cref="ImageConversionException"/>.</summary>
    private unsafe ConvertedImage Convert(ReadOnlyMemory<byte> input)
    {
        try
        {
            if (HeifReferences.Problem(input.Span) is { } problem)
                throw new ImageConversionException(problem);
            using var pin = input.Pin();
            using var context = HeifContext.Read((byte*)pin.Pointer, input.Length, MaxSide, TileThreads());
            using var handle = context.GetPrimaryImageHandle();
            CheckSize(handle.Width, handle.Height, "declares");
            if (handle.CodedWidth > 0 && handle.CodedHeight > 0)
                CheckSize(handle.CodedWidth, handle.CodedHeight, "declares");
            var alpha = !handle.HasAlpha ? SKAlphaType.Opaque
                : handle.IsPremultipliedAlpha ? SKAlphaType.Premul : SKAlphaType.Unpremul;
            using var colorSpace = ColorProfiles.FromHeif(handle);

            using var image = handle.Decode();
            // libde265 and libheif have just freed their working buffers (about three images' worth); give those
            // pages back before encoding, or the process keeps them on top of what comes next.
            NativeHeap.Trim();
            // The planes stay as they are; the encoder reads them a band at a time.
            var planar = new HeifPlanarImage(image, alpha, colorSpace);
            // The coded stream, not the boxes, sets the decoded size (an ispe of 64x64 can decode to 9600x480):
            // the limit holds for what came out too, before the encoder spends time and memory on it.
            CheckSize(planar.Width, planar.Height, "decodes to");
            return PhotoEncoder.Encode(planar, _options.JpegQuality);
        }
        catch (Exception ex) when (ex is not ImageConversionException)
        {
            throw new ImageConversionException($"Conversion failed: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Grid tiles (phones write 512x512 ones) decode in parallel on libheif's threads: the cores not taken by other
    /// conversions. When every core has its own image, the worker decodes its tiles itself (0), not on one extra thread.
    /// </summary>
    private int TileThreads()
    {
        var share = Environment.ProcessorCount / Math.Max(1, _pool.Busy);
        return share <= 1 ? 0 : share;
    }

    /// <summary>Refuses decompression bombs from what the boxes declare (before a byte of pixels is allocated) and from what decoded.</summary>
    private void CheckSize(int width, int height, string how)
    {
        if (width <= 0 || height <= 0)
            throw new ImageConversionException($"The image {how} no valid size ({width}x{height}).");
        if ((long)width * height > _options.MaxPixels)
            throw new ImageConversionException($"The image {how} {width}x{height} pixels, over Imaging:MaxPixels ({_options.MaxPixels}).");
    }

    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    public void Dispose() => _pool.Dispose();
}
