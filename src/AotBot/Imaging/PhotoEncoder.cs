using System.Runtime.InteropServices;
using AotBot.Imaging.Jpeg;
using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>
/// Turns a decoded image into a JPEG Telegram takes as a photo: sRGB, alpha flattened onto white, within the photo
/// limits, baseline 4:2:0 at the configured quality (libjpeg-turbo). Streams bands of rows into the encoder:
/// YCbCr 4:2:0 straight from the decoder's planes when nothing needs changing, otherwise RGB strips through Skia for
/// colour and alpha; only a downscale holds a full-size RGBA copy.
/// </summary>
internal static unsafe class PhotoEncoder
{
    // RGB strips of about 1 MB for a 12 MP image.
    private const int StripBytes = 1 << 20;

    public static ConvertedImage Encode(DecodedImage image, int quality)
    {
        var (width, height) = (image.Width, image.Height);
        var asDocument = PhotoLimits.IsTooElongated(width, height);
        var (targetWidth, targetHeight) = asDocument ? (width, height) : PhotoLimits.FitSides(width, height);
        for (var attempt = 1; ; attempt++)
        {
            var jpeg = (targetWidth, targetHeight) != (width, height) ? EncodeScaled(image, targetWidth, targetHeight, quality)
                : image.HasJpegYCbCr ? EncodeYCbCr(image, quality)
                : EncodeRgb(image, quality);
            if (asDocument || jpeg.Length <= PhotoLimits.MaxBytes)
                return new ConvertedImage(jpeg, targetWidth, targetHeight, asDocument);
            if (attempt == 3)
                return new ConvertedImage(jpeg, targetWidth, targetHeight, SendAsDocument: true);
            (targetWidth, targetHeight) = PhotoLimits.ShrinkForBytes(targetWidth, targetHeight, jpeg.Length);
        }
    }

    /// <summary>The decoder's YCbCr, 16 rows at a time, into the encoder's raw input: no RGB, no resampling.</summary>
    private static byte[] EncodeYCbCr(DecodedImage image, int quality)
    {
        var lumaStride = (image.Width + 15) & ~15;
        var chromaStride = lumaStride / 2;
        var band = (byte*)NativeMemory.Alloc((nuint)(16 * lumaStride + 2 * 8 * chromaStride));
        try
        {
            using var jpeg = JpegWriter.Begin(image.Width, image.Height, quality, rawYCbCr: true);
            var y = band;
            var cb = band + 16 * lumaStride;
            var cr = cb + 8 * chromaStride;
            for (var b = 0; b * 16 < image.Height; b++)
            {
                image.ReadJpegBand(b, y, lumaStride, cb, cr, chromaStride);
                jpeg.WriteBand(y, lumaStride, cb, cr, chromaStride);
            }
            return jpeg.Finish();
        }
        finally
        {
            NativeMemory.Free(band);
        }
    }

    /// <summary>RGBA strips, converted to sRGB and flattened onto white when they need it, into the encoder.</summary>
    private static byte[] EncodeRgb(DecodedImage image, int quality)
    {
        var rowBytes = image.Width * 4;
        var stripRows = Math.Clamp(StripBytes / rowBytes, 1, image.Height);
        var strip = (byte*)NativeMemory.Alloc((nuint)stripRows * (nuint)rowBytes);
        try
        {
            using var flattener = NeedsFlattening(image) ? new Flattener(image, stripRows) : null;
            using var jpeg = JpegWriter.Begin(image.Width, image.Height, quality, rawYCbCr: false);
            for (var first = 0; first < image.Height; first += stripRows)
            {
                var rows = Math.Min(stripRows, image.Height - first);
                image.ReadRgba(first, rows, strip, rowBytes);
                flattener?.Flatten(strip, rows);
                jpeg.WriteRows(strip, rowBytes, rows);
            }
            return jpeg.Finish();
        }
        finally
        {
            NativeMemory.Free(strip);
        }
    }

    /// <summary>The whole image as sRGB RGBA, drawn smaller with a high-quality filter, then encoded.</summary>
    private static byte[] EncodeScaled(DecodedImage image, int width, int height, int quality)
    {
        var rowBytes = image.Width * 4;
        var pixels = (byte*)NativeMemory.Alloc((nuint)image.Height * (nuint)rowBytes);
        try
        {
            var stripRows = Math.Clamp(StripBytes / rowBytes, 1, image.Height);
            using (var flattener = NeedsFlattening(image) ? new Flattener(image, stripRows) : null)
            {
                for (var first = 0; first < image.Height; first += stripRows)
                {
                    var rows = Math.Min(stripRows, image.Height - first);
                    var strip = pixels + (nint)first * rowBytes;
                    image.ReadRgba(first, rows, strip, rowBytes);
                    flattener?.Flatten(strip, rows);
                }
            }

            var sourceInfo = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
            using var source = SKImage.FromPixels(sourceInfo, (nint)pixels, rowBytes)
                ?? throw new ImageConversionException("Skia could not wrap the decoded pixels.");
            using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            if (target.GetPixels() == 0)
                throw new ImageConversionException($"Could not allocate a {width}x{height} image.");
            using (var canvas = new SKCanvas(target))
            {
                // Mitchell is sharp and clean down to half size; beyond that, mipmaps keep fine detail from aliasing.
                var sampling = width * 2 >= image.Width
                    ? new SKSamplingOptions(SKCubicResampler.Mitchell)
                    : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
                canvas.DrawImage(source, new SKRect(0, 0, width, height), sampling);
            }
            using var jpeg = JpegWriter.Begin(width, height, quality, rawYCbCr: false);
            jpeg.WriteRows((byte*)target.GetPixels(), target.RowBytes, height);
            return jpeg.Finish();
        }
        finally
        {
            NativeMemory.Free(pixels);
        }
    }

    private static bool NeedsFlattening(DecodedImage image) =>
        image.AlphaType != SKAlphaType.Opaque || image.ColorSpace is { IsSrgb: false };

    /// <summary>
    /// Converts RGBA strips to sRGB and composites them onto white, through a strip-sized Skia surface, in place: the
    /// colour transform needs a separate destination, a second full-size buffer does not.
    /// </summary>
    private sealed class Flattener : IDisposable
    {
        private readonly DecodedImage _image;
        private readonly byte* _scratch;
        private readonly SKSurface _surface;

        public Flattener(DecodedImage image, int stripRows)
        {
            _image = image;
            var info = new SKImageInfo(image.Width, stripRows, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
            _scratch = (byte*)NativeMemory.Alloc((nuint)info.BytesSize64);
            _surface = SKSurface.Create(info, (nint)_scratch, image.Width * 4);
            if (_surface is null)
            {
                NativeMemory.Free(_scratch);
                throw new ImageConversionException("Skia could not create a drawing surface.");
            }
        }

        public void Flatten(byte* strip, int rows)
        {
            var rowBytes = _image.Width * 4;
            var info = new SKImageInfo(_image.Width, rows, SKColorType.Rgba8888, _image.AlphaType, _image.ColorSpace);
            using (var source = SKImage.FromPixels(info, (nint)strip, rowBytes))
            {
                _surface.Canvas.Clear(SKColors.White);
                _surface.Canvas.DrawImage(source, 0, 0, SKSamplingOptions.Default);
            }
            Buffer.MemoryCopy(_scratch, strip, (long)rows * rowBytes, (long)rows * rowBytes);
        }

        public void Dispose()
        {
            _surface.Dispose();
            NativeMemory.Free(_scratch);
        }
    }
}
