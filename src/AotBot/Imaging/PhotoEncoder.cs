using System.Runtime.InteropServices;
using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>
/// A decoded 8-bit RGBA image in native memory that the encoder may overwrite. <see cref="ColorSpace"/> null means sRGB.
/// </summary>
internal readonly record struct RgbaPixels(nint Address, int Width, int Height, int RowBytes, SKAlphaType AlphaType, SKColorSpace? ColorSpace);

/// <summary>
/// Turns decoded pixels into a JPEG Telegram takes as a photo: sRGB, alpha flattened onto white, within the photo limits,
/// baseline 4:2:0 at the configured quality. Works on the decoder's buffer in place and copies it only to downscale.
/// </summary>
internal static unsafe class PhotoEncoder
{
    // Rows converted per step of the in-place colour/alpha pass: about 1 MB of scratch for a 12 MP image.
    private const int StripBytes = 1 << 20;

    public static ConvertedImage Encode(RgbaPixels pixels, int quality)
    {
        var (width, height) = (pixels.Width, pixels.Height);
        var asDocument = PhotoLimits.IsTooElongated(width, height);
        var (targetWidth, targetHeight) = asDocument ? (width, height) : PhotoLimits.FitSides(width, height);

        if (pixels.AlphaType != SKAlphaType.Opaque || pixels.ColorSpace is { IsSrgb: false })
        {
            FlattenToSrgbInPlace(pixels);
            pixels = pixels with { AlphaType = SKAlphaType.Opaque, ColorSpace = null };
        }

        for (var attempt = 1; ; attempt++)
        {
            var jpeg = targetWidth == width && targetHeight == height
                ? EncodeJpeg(pixels, quality)
                : EncodeScaled(pixels, targetWidth, targetHeight, quality);
            if (asDocument || jpeg.Length <= PhotoLimits.MaxBytes)
                return new ConvertedImage(jpeg, targetWidth, targetHeight, asDocument);
            if (attempt == 3)
                return new ConvertedImage(jpeg, targetWidth, targetHeight, SendAsDocument: true);
            (targetWidth, targetHeight) = PhotoLimits.ShrinkForBytes(targetWidth, targetHeight, jpeg.Length);
        }
    }

    /// <summary>
    /// Converts to sRGB and composites onto white, strip by strip through a small surface, writing back into the
    /// source buffer: the colour transform needs a separate destination, a second full-size buffer does not.
    /// </summary>
    private static void FlattenToSrgbInPlace(RgbaPixels pixels)
    {
        var rowBytes = pixels.Width * 4;
        var stripRows = Math.Clamp(StripBytes / rowBytes, 1, pixels.Height);
        var stripInfo = new SKImageInfo(pixels.Width, stripRows, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        var strip = NativeMemory.Alloc((nuint)stripInfo.BytesSize64);
        try
        {
            using var surface = SKSurface.Create(stripInfo, (nint)strip, rowBytes)
                ?? throw new ImageConversionException("Skia could not create a drawing surface.");
            var canvas = surface.Canvas;
            for (var y = 0; y < pixels.Height; y += stripRows)
            {
                var rows = Math.Min(stripRows, pixels.Height - y);
                var source = pixels.Address + (nint)y * pixels.RowBytes;
                var sourceInfo = new SKImageInfo(pixels.Width, rows, SKColorType.Rgba8888, pixels.AlphaType, pixels.ColorSpace);
                using (var image = SKImage.FromPixels(sourceInfo, source, pixels.RowBytes))
                {
                    canvas.Clear(SKColors.White);
                    canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
                }
                for (var row = 0; row < rows; row++)
                    Buffer.MemoryCopy((byte*)strip + (nint)row * rowBytes, (byte*)source + (nint)row * pixels.RowBytes, rowBytes, rowBytes);
            }
        }
        finally
        {
            NativeMemory.Free(strip);
        }
    }

    private static byte[] EncodeJpeg(RgbaPixels pixels, int quality)
    {
        // No colour space on the pixmap: the JPEG gets no ICC profile and viewers read it as the sRGB it is.
        var info = new SKImageInfo(pixels.Width, pixels.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var pixmap = new SKPixmap(info, pixels.Address, pixels.RowBytes);
        using var data = pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new ImageConversionException("Skia could not encode the JPEG.");
        return data.ToArray();
    }

    private static byte[] EncodeScaled(RgbaPixels pixels, int width, int height, int quality)
    {
        var sourceInfo = new SKImageInfo(pixels.Width, pixels.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var source = SKImage.FromPixels(sourceInfo, pixels.Address, pixels.RowBytes)
            ?? throw new ImageConversionException("Skia could not wrap the decoded pixels.");
        using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        if (target.GetPixels() == 0)
            throw new ImageConversionException($"Could not allocate a {width}x{height} image.");
        using (var canvas = new SKCanvas(target))
        {
            // Mitchell is sharp and clean down to half size; beyond that, mipmaps keep fine detail from aliasing.
            var sampling = width * 2 >= pixels.Width
                ? new SKSamplingOptions(SKCubicResampler.Mitchell)
                : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
            canvas.DrawImage(source, new SKRect(0, 0, width, height), sampling);
        }
        return EncodeJpeg(new RgbaPixels(target.GetPixels(), width, height, target.RowBytes, SKAlphaType.Opaque, null), quality);
    }
}
