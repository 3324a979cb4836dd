using AotBot.Core;
using AotBot.Imaging.Heif;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace AotBot.Imaging.Video;

/// <summary>A slideshow made into one MP4, and what went into it.</summary>
internal sealed record SlideshowVideo(byte[] Mp4, int Width, int Height, TimeSpan Duration, int Images, bool HasMusic);

/// <summary>Not one of the slideshow's images could be read: the caller sends them as documents, as before.</summary>
internal sealed class SlideshowUnreadableException(string message) : AotBotException(message);

/// <summary>
/// Makes a slideshow into one H.264 video with its music, on the conversion pool: every image (HEIC, AVIF, JPEG, PNG,
/// WebP) is decoded as for photos, drawn into one canvas (the largest image's aspect, at most 1080 by 1920, black bars),
/// converted to I420 and shown <see cref="SlideshowOptions.SecondsPerImage"/> at <see cref="FramesPerSecond"/> frames a
/// second: an IDR frame when an image starts, then repeats the encoder turns into near-empty P frames. One image is
/// decoded at a time and released once drawn. The music is copied into the MP4 as it is, cut at the video's end; when
/// it is shorter than the images, they are shown for less (never under 1.5 s each).
/// </summary>
internal sealed class SlideshowComposer(HeicConverter converter, IOptions<SlideshowOptions> options, IOptions<ImagingOptions> imaging,
    ILogger<SlideshowComposer> logger, TimeProvider time)
{
    public const int FramesPerSecond = 2;
    public const int MaxShortSide = 1080;
    public const int MaxLongSide = 1920;
    public const double MinSecondsPerImage = 1.5;

    private const int MaxHeifSide = 32_768;

    /// <summary>
    /// The video of <paramref name="images"/> with <paramref name="music"/> (an MP3 or M4A file; null or unreadable:
    /// no sound). Images that cannot be read are left out (logged); throws <see cref="SlideshowUnreadableException"/>
    /// when none can, <see cref="VideoEncodingException"/> when the encoder fails. Cancellation is honoured while
    /// queued and between images.
    /// </summary>
    public ValueTask<SlideshowVideo> ComposeAsync(IReadOnlyList<ReadOnlyMemory<byte>> images, ReadOnlyMemory<byte>? music,
        CancellationToken cancellationToken) =>
        converter.Pool.RunAsync(() =>
        {
            try
            {
                return Compose(images, music, cancellationToken);
            }
            finally
            {
                NativeHeap.Trim();
            }
        }, cancellationToken);

    private SlideshowVideo Compose(IReadOnlyList<ReadOnlyMemory<byte>> images, ReadOnlyMemory<byte>? musicFile, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        // Sizes first, from the headers alone: the canvas follows the largest image.
        var sizes = new (int Width, int Height)?[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            try
            {
                sizes[i] = ReadSize(images[i]);
            }
            catch (ImageConversionException ex)
            {
                logger.SlideshowImageLeftOut(i + 1, images.Count, ex.Message);
            }
        }
        if (sizes.All(s => s is null))
            throw new SlideshowUnreadableException($"None of the {images.Count} images could be read.");
        var largest = sizes.OfType<(int Width, int Height)>().MaxBy(s => (long)s.Width * s.Height);
        var (width, height) = Canvas(largest.Width, largest.Height);

        var music = musicFile is { } file ? AudioTrack.TryRead(file) : null;
        var readable = sizes.Count(s => s is not null);
        var secondsPerImage = SecondsPerImage(options.Value.SecondsPerImage, readable, music?.Seconds);

        using var encoder = H264Encoder.Create(width, height, FramesPerSecond, Bitrate(width, height));
        var track = new VideoTrackBuilder(width, height);
        var frame = new I420Frame(width, height);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb()))
            ?? throw new VideoEncodingException($"Skia could not create a {width}x{height} canvas.");
        using var pixels = surface.PeekPixels() ?? throw new VideoEncodingException("Skia's canvas has no pixels to read.");
        var shown = 0;
        long videoTime = 0; // in 1/90000 s
        for (var i = 0; i < images.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (sizes[i] is null)
                continue;
            try
            {
                Draw(images[i], surface.Canvas, width, height);
            }
            catch (ImageConversionException ex)
            {
                logger.SlideshowImageLeftOut(i + 1, images.Count, ex.Message);
                continue;
            }
            unsafe
            {
                frame.FromRgba((byte*)pixels.GetPixels(), pixels.RowBytes);
            }
            var end = (long)Math.Round((shown + 1) * secondsPerImage * VideoTrack.Timescale);
            const int step = VideoTrack.Timescale / FramesPerSecond;
            for (var t = videoTime; t < end; t += step)
            {
                var duration = (int)Math.Min(step, end - t);
                track.Add(encoder.Encode(frame, t / 90, forceIdr: t == videoTime), duration);
            }
            videoTime = end;
            shown++;
        }
        if (shown == 0)
            throw new SlideshowUnreadableException($"None of the {images.Count} images could be decoded.");

        var video = track.Build();
        var audio = music?.CutAt((double)video.Duration / VideoTrack.Timescale);
        using var output = new MemoryStream();
        Mp4Muxer.Write(output, video, audio is { Samples.Count: > 0 } ? audio : null);
        var result = new SlideshowVideo(output.ToArray(), width, height, TimeSpan.FromSeconds((double)video.Duration / VideoTrack.Timescale),
            shown, audio is { Samples.Count: > 0 });
        logger.SlideshowComposed(shown, images.Count, width, height, result.Duration.TotalSeconds, result.HasMusic, result.Mp4.Length,
            (long)time.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    /// <summary>
    /// Seconds per image: the setting, or less when the music is shorter than the images at that pace, so the video
    /// ends with it, but never under <see cref="MinSecondsPerImage"/> (the video then outlasts the music).
    /// </summary>
    internal static double SecondsPerImage(double setting, int images, double? musicSeconds) =>
        musicSeconds is { } music && music < images * setting ? Math.Clamp(music / images, MinSecondsPerImage, setting) : setting;

    /// <summary>The largest image's aspect within 1080 by 1920 (either way round), never enlarged, even sides.</summary>
    internal static (int Width, int Height) Canvas(int width, int height)
    {
        var (maxWidth, maxHeight) = width <= height ? (MaxShortSide, MaxLongSide) : (MaxLongSide, MaxShortSide);
        var scale = Math.Min(1.0, Math.Min((double)maxWidth / width, (double)maxHeight / height));
        var w = Math.Max(16, (int)(width * scale) & ~1);
        var h = Math.Max(16, (int)(height * scale) & ~1);
        return (Math.Min(w, maxWidth), Math.Min(h, maxHeight));
    }

    /// <summary>Enough for a sharp still at this size: each IDR frame gets about a second's worth (bits per pixel).</summary>
    private static int Bitrate(int width, int height) => (int)Math.Clamp((long)width * height * 2, 300_000, 5_000_000);

    private (int Width, int Height) ReadSize(ReadOnlyMemory<byte> image)
    {
        var format = ImageSniffer.Detect(image.Span);
        int width, height;
        if (format is ImageFormat.Heif or ImageFormat.Avif)
        {
            if (HeifReferences.Problem(image.Span) is { } problem)
                throw new ImageConversionException(problem);
            unsafe
            {
                using var pin = image.Pin();
                using var context = HeifContext.Read((byte*)pin.Pointer, image.Length, MaxHeifSide, 0);
                using var handle = context.GetPrimaryImageHandle();
                (width, height) = (handle.Width, handle.Height);
            }
        }
        else if (format is ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.Webp)
        {
            using var data = SKData.CreateCopy(image.Span);
            using var codec = SKCodec.Create(data) ?? throw new ImageConversionException($"Skia cannot read this {format} image.");
            (width, height) = (codec.Info.Width, codec.Info.Height);
        }
        else
        {
            throw new ImageConversionException(format == ImageFormat.Unknown ? "Not an image format we know." : $"{format} images are not shown in videos.");
        }
        if (width <= 0 || height <= 0 || (long)width * height > imaging.Value.MaxPixels)
            throw new ImageConversionException($"The image declares {width}x{height} pixels.");
        return (width, height);
    }

    /// <summary>The image fitted into the canvas, centred on black, in sRGB.</summary>
    private unsafe void Draw(ReadOnlyMemory<byte> image, SKCanvas canvas, int width, int height)
    {
        canvas.Clear(SKColors.Black);
        var format = ImageSniffer.Detect(image.Span);
        if (format is ImageFormat.Heif or ImageFormat.Avif)
        {
            using var pin = image.Pin();
            using var context = HeifContext.Read((byte*)pin.Pointer, image.Length, MaxHeifSide, 0);
            using var handle = context.GetPrimaryImageHandle();
            var alpha = !handle.HasAlpha ? SKAlphaType.Opaque : handle.IsPremultipliedAlpha ? SKAlphaType.Premul : SKAlphaType.Unpremul;
            using var colorSpace = ColorProfiles.FromHeif(handle);
            using var decoded = handle.Decode();
            var planar = new HeifPlanarImage(decoded, alpha, colorSpace);
            if ((long)planar.Width * planar.Height > imaging.Value.MaxPixels)
                throw new ImageConversionException($"The image decodes to {planar.Width}x{planar.Height} pixels.");
            using var rgba = new SKBitmap(new SKImageInfo(planar.Width, planar.Height, SKColorType.Rgba8888, alpha, colorSpace));
            if (rgba.GetPixels() == 0)
                throw new ImageConversionException($"Could not allocate a {planar.Width}x{planar.Height} image.");
            planar.ReadRgba(0, planar.Height, (byte*)rgba.GetPixels(), rgba.RowBytes);
            using var source = SKImage.FromBitmap(rgba);
            DrawFitted(canvas, source, width, height);
        }
        else
        {
            using var data = SKData.CreateCopy(image.Span);
            using var codec = SKCodec.Create(data) ?? throw new ImageConversionException("Skia cannot read the image.");
            var (w, h) = Fitted(codec.Info.Width, codec.Info.Height, width, height);
            using var source = Thumbnails.DrawFitted(codec, w, h, background: SKColors.Black);
            DrawFitted(canvas, source, width, height);
        }
    }

    private static void DrawFitted(SKCanvas canvas, SKImage source, int width, int height)
    {
        var (w, h) = Fitted(source.Width, source.Height, width, height);
        var rect = SKRect.Create((width - w) / 2f, (height - h) / 2f, w, h);
        var sampling = w * 2 >= source.Width ? new SKSamplingOptions(SKCubicResampler.Mitchell)
            : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        using var paint = new SKPaint();
        canvas.DrawImage(source, rect, sampling, paint);
        canvas.Flush();
    }

    private static (int Width, int Height) Fitted(int sourceWidth, int sourceHeight, int width, int height)
    {
        var scale = Math.Min((double)width / sourceWidth, (double)height / sourceHeight);
        return (Math.Clamp((int)Math.Round(sourceWidth * scale), 1, width), Math.Clamp((int)Math.Round(sourceHeight * scale), 1, height));
    }
}
