namespace AotBot.Imaging.Video;

/// <summary>
/// One video frame as the encoder takes it: 8-bit Y, U and V planes, chroma at half width and height (even sides),
/// BT.709 limited range as the SPS says (native/video/aotbot_video.c).
/// </summary>
internal sealed class I420Frame
{
    public I420Frame(int width, int height)
    {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0)
            throw new ArgumentException($"a {width}x{height} frame: sides must be even and positive");
        Width = width;
        Height = height;
        Y = new byte[width * height];
        U = new byte[width * height / 4];
        V = new byte[width * height / 4];
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Y { get; }

    public byte[] U { get; }

    public byte[] V { get; }

    /// <summary>Fills the frame from opaque RGBA rows held in managed memory.</summary>
    public unsafe void FromRgba(ReadOnlySpan<byte> rgba, int rowBytes)
    {
        if (rgba.Length < (long)rowBytes * (Height - 1) + Width * 4)
            throw new ArgumentException("fewer RGBA bytes than the frame needs", nameof(rgba));
        fixed (byte* pixels = rgba)
            FromRgba(pixels, rowBytes);
    }

    /// <summary>
    /// Fills the frame from opaque RGBA rows (4 bytes per pixel, <paramref name="rowBytes"/> apart), in fixed point:
    /// luma per pixel, chroma from the average of each 2x2 block.
    /// </summary>
    public unsafe void FromRgba(byte* rgba, int rowBytes)
    {
        var chromaWidth = Width / 2;
        fixed (byte* yPlane = Y)
        fixed (byte* uPlane = U)
        fixed (byte* vPlane = V)
        {
            for (var row = 0; row < Height; row += 2)
            {
                var top = rgba + (nint)row * rowBytes;
                var bottom = top + rowBytes;
                var yTop = yPlane + (nint)row * Width;
                var yBottom = yTop + Width;
                var u = uPlane + (nint)(row / 2) * chromaWidth;
                var v = vPlane + (nint)(row / 2) * chromaWidth;
                for (var column = 0; column < Width; column += 2)
                {
                    int r = 0, g = 0, b = 0;
                    Pixel(top + column * 4, yTop + column, ref r, ref g, ref b);
                    Pixel(top + column * 4 + 4, yTop + column + 1, ref r, ref g, ref b);
                    Pixel(bottom + column * 4, yBottom + column, ref r, ref g, ref b);
                    Pixel(bottom + column * 4 + 4, yBottom + column + 1, ref r, ref g, ref b);
                    // BT.709, limited range, coefficients scaled by 2^16; r, g, b are sums of four pixels.
                    u[column / 2] = (byte)((-6_593 * r - 22_189 * g + 28_784 * b + (128 << 18) + (1 << 17)) >> 18);
                    v[column / 2] = (byte)((28_784 * r - 26_142 * g - 2_642 * b + (128 << 18) + (1 << 17)) >> 18);
                }
            }
        }
    }

    private static unsafe void Pixel(byte* rgba, byte* y, ref int r, ref int g, ref int b)
    {
        int red = rgba[0], green = rgba[1], blue = rgba[2];
        *y = (byte)((11_966 * red + 40_254 * green + 4_064 * blue + (16 << 16) + (1 << 15)) >> 16);
        r += red;
        g += green;
        b += blue;
    }
}
