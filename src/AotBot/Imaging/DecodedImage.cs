using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>
/// A decoded image that hands out its pixels a band of rows at a time, so the JPEG encoder never needs a full-size
/// RGBA copy of it (48 MB for 12 MP).
/// </summary>
internal abstract unsafe class DecodedImage
{
    public abstract int Width { get; }

    public abstract int Height { get; }

    /// <summary>Opaque, or how <see cref="ReadRgba"/>'s alpha is stored.</summary>
    public abstract SKAlphaType AlphaType { get; }

    /// <summary>The colour space of <see cref="ReadRgba"/>'s values; null means sRGB.</summary>
    public abstract SKColorSpace? ColorSpace { get; }

    /// <summary>Writes rows <paramref name="first"/> .. first + count - 1 as 8-bit RGBA.</summary>
    public abstract void ReadRgba(int first, int count, byte* rgba, int rowBytes);

    /// <summary>
    /// True when the pixels can go to the JPEG encoder as YCbCr 4:2:0 bands through <see cref="ReadJpegBand"/>: no
    /// alpha, sRGB, already 4:2:0. The encoder then skips RGB altogether.
    /// </summary>
    public virtual bool HasJpegYCbCr => false;

    /// <summary>
    /// Writes band <paramref name="band"/> (rows band × 16 ..) as JPEG's YCbCr (BT.601, full range, 8 bits): 16 luma rows
    /// of the width rounded up to 16, 8 rows of each chroma plane of half that, edges repeated into the padding.
    /// </summary>
    public virtual void ReadJpegBand(int band, byte* y, int yStride, byte* cb, byte* cr, int cStride) =>
        throw new NotSupportedException();
}

/// <summary>An RGBA buffer in native memory, owned by the caller.</summary>
internal sealed unsafe class RgbaImage(nint pixels, int width, int height, int rowBytes, SKAlphaType alphaType, SKColorSpace? colorSpace)
    : DecodedImage
{
    public nint Pixels => pixels;

    public int RowBytes => rowBytes;

    public override int Width => width;

    public override int Height => height;

    public override SKAlphaType AlphaType => alphaType;

    public override SKColorSpace? ColorSpace => colorSpace;

    public override void ReadRgba(int first, int count, byte* rgba, int stride)
    {
        for (var row = 0; row < count; row++)
            Buffer.MemoryCopy((byte*)pixels + (nint)(first + row) * rowBytes, rgba + (nint)row * stride, stride, width * 4);
    }
}
