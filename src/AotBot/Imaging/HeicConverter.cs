using System.Runtime.InteropServices;
using AotBot.Imaging.Heif;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>
/// HEIC (and AVIF, when libheif has an AV1 decoder) to JPEG on the dedicated <see cref="ConversionPool"/>: the one
/// class that touches libheif, SkiaSharp and the conversion threads.
/// </summary>
internal sealed class HeicConverter : IImageConverter, IAsyncDisposable, IDisposable
{
    // libheif's own per-side limit, above any real photo; the pixel count is checked against Imaging:MaxPixels.
    private const int MaxSide = 32_768;

    private readonly ImagingOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConversionPool _pool;
    private readonly int _tileThreads;
    private readonly string? _libheifMissing;

    public HeicConverter(IOptions<ImagingOptions> options, ILogger<HeicConverter> logger, TimeProvider time)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        var workers = _options.EffectiveWorkers;
        // Grid tiles decode in parallel on libheif's threads; with every core busy with its own image, the worker's
        // thread decodes its tiles itself (0) instead of handing them to one extra thread.
        var share = Environment.ProcessorCount / workers;
        _tileThreads = share <= 1 ? 0 : share;
        NativeHeap.KeepLargeBlocksOutOfTheHeap();
        _pool = new ConversionPool(workers, _options.QueueLimit);
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
            var converted = await _pool.RunAsync(() => ConvertAndTrim(image), cancellationToken);
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
    /// <see cref="Convert"/>, then the decoder's freed working memory goes back to the system: glibc keeps it in the
    /// worker's arena otherwise (about 37 MB per worker after a 12 MP image, measured), for as long as the bot idles.
    /// </summary>
    private ConvertedImage ConvertAndTrim(ReadOnlyMemory<byte> input)
    {
        try
        {
            return Convert(input);
        }
        finally
        {
            NativeHeap.Trim();
        }
    }

    /// <summary>Runs on a pool thread; every failure comes out as an <see cref="ImageConversionException"/>.</summary>
    private unsafe ConvertedImage Convert(ReadOnlyMemory<byte> input)
    {
        try
        {
            using var pin = input.Pin();
            using var context = HeifContext.Read((byte*)pin.Pointer, input.Length, MaxSide, _tileThreads);
            using var handle = context.GetPrimaryImageHandle();
            CheckDeclaredSize(handle.Width, handle.Height);
            if (handle.CodedWidth > 0 && handle.CodedHeight > 0)
                CheckDeclaredSize(handle.CodedWidth, handle.CodedHeight);
            var alpha = !handle.HasAlpha ? SKAlphaType.Opaque
                : handle.IsPremultipliedAlpha ? SKAlphaType.Premul : SKAlphaType.Unpremul;
            using var colorSpace = ColorProfiles.FromHeif(handle);

            // The decoder's planes become RGBA in a buffer of ours, and are freed before encoding: at most one
            // full-size copy of the image exists at a time besides the planes being read.
            using var image = handle.Decode();
            // libde265 and libheif have just freed their working buffers (about three images' worth); give those
            // pages back before the RGBA buffer is mapped, or the process keeps both.
            NativeHeap.Trim();
            var (width, height) = PlanarToRgba.SizeOf(image);
            var rgba = (byte*)NativeMemory.Alloc((nuint)width * (nuint)height * 4);
            try
            {
                PlanarToRgba.Convert(image, rgba, width * 4);
                image.Dispose();
                return PhotoEncoder.Encode(new RgbaPixels((nint)rgba, width, height, width * 4, alpha, colorSpace), _options.JpegQuality);
            }
            finally
            {
                NativeMemory.Free(rgba);
            }
        }
        catch (Exception ex) when (ex is not ImageConversionException)
        {
            throw new ImageConversionException($"Conversion failed: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Refuses decompression bombs from what the boxes declare, before a byte of pixels is allocated.</summary>
    private void CheckDeclaredSize(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ImageConversionException($"The image declares no valid size ({width}x{height}).");
        if ((long)width * height > _options.MaxPixels)
            throw new ImageConversionException($"The image declares {width}x{height} pixels, over Imaging:MaxPixels ({_options.MaxPixels}).");
    }

    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    public void Dispose() => _pool.Dispose();
}
