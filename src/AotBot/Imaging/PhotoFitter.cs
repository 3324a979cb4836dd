using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>
/// JPEG, PNG and WebP images that Telegram would refuse as photos (<see cref="PhotoLimits"/>): the size is read from
/// the header, an image too large in bytes or sides is redrawn smaller as a JPEG, one too elongated goes as a document.
/// </summary>
internal static class PhotoFitter
{
    /// <summary>What to do with an image Telegram shows as a photo.</summary>
    public enum Verdict { AsIs, Document, Downscale }

    /// <summary>The image's size from its header, or null when Skia cannot read it (it then goes as it is).</summary>
    public static (int Width, int Height)? ReadSize(Stream image)
    {
        using var stream = new SKManagedStream(image, disposeManagedStream: false);
        using var codec = SKCodec.Create(stream);
        return codec is null ? null : (codec.Info.Width, codec.Info.Height);
    }

    public static Verdict Judge(int width, int height, long bytes) =>
        PhotoLimits.IsTooElongated(width, height) ? Verdict.Document
        : width + (long)height > PhotoLimits.MaxSideSum || bytes > PhotoLimits.MaxBytes ? Verdict.Downscale
        : Verdict.AsIs;

    /// <summary>
    /// The image as a JPEG within the photo limits: sides summing to at most 10000, under 10 MB (smaller again while it
    /// is not). Throws <see cref="ImageConversionException"/> when it cannot be read or declares over <paramref name="maxPixels"/>.
    /// </summary>
    public static ConvertedImage Downscale(ReadOnlySpan<byte> image, long maxPixels, int quality)
    {
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data) ?? throw new ImageConversionException("Not an image Skia can read.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > maxPixels)
            throw new ImageConversionException($"The image declares {width}x{height} pixels, over Imaging:MaxPixels ({maxPixels}).");
        var (targetWidth, targetHeight) = PhotoLimits.FitSides(width, height);
        for (var attempt = 1; ; attempt++)
        {
            using var drawn = Thumbnails.DrawFitted(codec, targetWidth, targetHeight);
            using var encoded = drawn.Encode(SKEncodedImageFormat.Jpeg, quality)
                ?? throw new ImageConversionException("Skia could not encode the image.");
            if (encoded.Size <= PhotoLimits.MaxBytes)
                return new ConvertedImage(encoded.ToArray(), targetWidth, targetHeight, SendAsDocument: false);
            if (attempt == 3)
                return new ConvertedImage(encoded.ToArray(), targetWidth, targetHeight, SendAsDocument: true);
            (targetWidth, targetHeight) = PhotoLimits.ShrinkForBytes(targetWidth, targetHeight, (int)encoded.Size);
        }
    }
}
