using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>
/// Thumbnails the way the Bot API wants them (sendVideo, sendAudio, sendDocument: "JPEG format and less than 200 kB
/// in size; width and height should not exceed 320"): decoded by Skia (JPEG, PNG, WebP, GIF), fitted into 320×320
/// with the aspect kept, flattened onto white, encoded as baseline JPEG at the highest quality that stays under the size.
/// </summary>
internal static class Thumbnails
{
    public const int MaxSide = 320;
    public const int MaxBytes = 200_000;

    // From good to still recognisable; a 320×320 photo is ~30 kB at 85, so the lower steps are for noise.
    private static readonly int[] s_qualities = [85, 70, 50, 30];

    /// <summary>
    /// The thumbnail of <paramref name="image"/>. Throws <see cref="ImageConversionException"/> when Skia cannot read
    /// it or it declares more than <paramref name="maxPixels"/> pixels.
    /// </summary>
    public static byte[] Make(ReadOnlySpan<byte> image, long maxPixels)
    {
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data) ?? throw new ImageConversionException("The cover is not an image Skia can read.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > maxPixels)
            throw new ImageConversionException($"The cover declares {width}x{height} pixels.");
        var (targetWidth, targetHeight) = Fit(width, height, MaxSide);

        using var snapshot = DrawFitted(codec, targetWidth, targetHeight);
        byte[]? jpeg = null;
        foreach (var quality in s_qualities)
        {
            using var encoded = snapshot.Encode(SKEncodedImageFormat.Jpeg, quality)
                ?? throw new ImageConversionException("Skia could not encode the thumbnail.");
            jpeg = encoded.ToArray();
            if (jpeg.Length < MaxBytes) return jpeg;
        }
        throw new ImageConversionException($"The thumbnail stays at {jpeg!.Length} bytes even at the lowest quality.");
    }

    /// <summary>
    /// The image drawn at <paramref name="width"/>×<paramref name="height"/> onto white (JPEG has no alpha; a video
    /// frame passes black), in sRGB.
    /// A JPEG decodes straight at 1/2, 1/4 or 1/8 of its size, so a large one never exists at full size here.
    /// </summary>
    internal static SKImage DrawFitted(SKCodec codec, int width, int height, SKColor? background = null)
    {
        var scale = Math.Max((float)width / codec.Info.Width, (float)height / codec.Info.Height);
        var decodeSize = scale < 1 ? codec.GetScaledDimensions(scale) : codec.Info.Size;
        using var decoded = new SKBitmap(new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul,
            SKColorSpace.CreateSrgb()));
        if (decoded.GetPixels() == 0)
            throw new ImageConversionException($"Could not allocate a {decodeSize.Width}x{decodeSize.Height} image.");
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new ImageConversionException($"The image could not be decoded ({result}).");

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul,
            SKColorSpace.CreateSrgb())) ?? throw new ImageConversionException("Skia could not create a drawing surface.");
        surface.Canvas.Clear(background ?? SKColors.White);
        using (var source = SKImage.FromBitmap(decoded))
        {
            surface.Canvas.DrawImage(source, new SKRect(0, 0, width, height),
                new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        return surface.Snapshot();
    }

    /// <summary>The largest size with the same aspect that fits <paramref name="box"/>×<paramref name="box"/> (never enlarged).</summary>
    public static (int Width, int Height) Fit(int width, int height, int box)
    {
        if (width <= box && height <= box) return (width, height);
        var scale = (double)box / Math.Max(width, height);
        return (Math.Clamp((int)Math.Round(width * scale), 1, box), Math.Clamp((int)Math.Round(height * scale), 1, box));
    }
}
