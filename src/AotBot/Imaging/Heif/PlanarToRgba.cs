namespace AotBot.Imaging.Heif;

/// <summary>
/// Converts libheif's decoded planes (YCbCr at any subsampling, monochrome, planar RGB; 8 to 16 bits; optional alpha)
/// into 8-bit interleaved RGBA in one pass, straight into the caller's buffer. Chroma is taken nearest-neighbour, as
/// libheif does: the JPEG encoder subsamples it back on the same grid. Every sample goes through a lookup table that
/// folds range expansion, the YCbCr matrix and the scaling to 8 bits (16.16 fixed point), indexed by the masked
/// sample, so corrupt input cannot read outside a table.
/// </summary>
internal static unsafe class PlanarToRgba
{
    private const int One = 1 << 16;

    /// <summary>The image's size: that of its luma (or green) plane.</summary>
    public static (int Width, int Height) SizeOf(HeifImage image)
    {
        var plane = image.GetPlane(image.Colorspace == HeifNative.ColorspaceRgb ? HeifNative.ChannelG : HeifNative.ChannelY);
        return (plane.Width, plane.Height);
    }

    /// <summary>Writes <paramref name="image"/> as RGBA into <paramref name="rgba"/> (SizeOf(image), <paramref name="rowBytes"/> apart).</summary>
    public static void Convert(HeifImage image, byte* rgba, int rowBytes)
    {
        var alpha = image.HasChannel(HeifNative.ChannelAlpha) ? image.GetPlane(HeifNative.ChannelAlpha) : (HeifPlane?)null;
        switch (image.Colorspace)
        {
            case HeifNative.ColorspaceYCbCr:
            {
                var y = image.GetPlane(HeifNative.ChannelY);
                var matrix = YCbCrMatrix.For(image.GetNclx());
                var cb = image.GetPlane(HeifNative.ChannelCb);
                var cr = image.GetPlane(HeifNative.ChannelCr);
                if (matrix.IsIdentity)
                    ConvertRgb(r: cr, g: y, b: cb, alpha, rgba, rowBytes, matrix.FullRange);
                else
                    ConvertYCbCr(y, cb, cr, alpha, matrix, rgba, rowBytes);
                break;
            }
            case HeifNative.ColorspaceMonochrome:
            {
                var y = image.GetPlane(HeifNative.ChannelY);
                ConvertRgb(y, y, y, alpha, rgba, rowBytes, YCbCrMatrix.For(image.GetNclx()).FullRange);
                break;
            }
            case HeifNative.ColorspaceRgb:
                ConvertRgb(image.GetPlane(HeifNative.ChannelR), image.GetPlane(HeifNative.ChannelG), image.GetPlane(HeifNative.ChannelB),
                    alpha, rgba, rowBytes, fullRange: true);
                break;
            default:
                throw new ImageConversionException($"libheif returned colorspace {image.Colorspace}, which is not converted.");
        }
    }

    private static void ConvertYCbCr(HeifPlane y, HeifPlane cb, HeifPlane cr, HeifPlane? alpha, YCbCrMatrix matrix, byte* rgba, int rowBytes)
    {
        var (width, height) = (y.Width, y.Height);
        var shiftX = Subsampling(cb.Width, width);
        var shiftY = Subsampling(cb.Height, height);
        if (cr.Width != cb.Width || cr.Height != cb.Height || cb.Bits != y.Bits || cr.Bits != y.Bits)
            throw new ImageConversionException("The chroma planes do not match.");
        CheckAlpha(alpha, width, height);

        var bits = y.Bits;
        var max = (1 << bits) - 1;
        var half = 1 << (bits - 1);
        var luma = new int[max + 1];
        var rFromCr = new int[max + 1];
        var gFromCb = new int[max + 1];
        var gFromCr = new int[max + 1];
        var bFromCb = new int[max + 1];
        // Limited range: luma spans 16..235 and chroma 16..240 (scaled to the bit depth).
        var lumaOffset = matrix.FullRange ? 0 : 16 << (bits - 8);
        var lumaScale = matrix.FullRange ? 1.0 : 255.0 / 219;
        var chromaScale = matrix.FullRange ? 1.0 : 255.0 / 224;
        var toOutput = 255.0 / max * One;
        for (var v = 0; v <= max; v++)
        {
            luma[v] = (int)Math.Round((v - lumaOffset) * lumaScale * toOutput);
            var c = (v - half) * chromaScale * toOutput;
            rFromCr[v] = (int)Math.Round(matrix.RFromCr * c);
            gFromCb[v] = (int)Math.Round(matrix.GFromCb * c);
            gFromCr[v] = (int)Math.Round(matrix.GFromCr * c);
            bFromCb[v] = (int)Math.Round(matrix.BFromCb * c);
        }
        var alphaTable = alpha is { } a ? ScaleTable(a.Bits) : null;

        if (bits <= 8)
            YCbCrRows<Byte>(y, cb, cr, alpha, alphaTable, shiftX, shiftY, luma, rFromCr, gFromCb, gFromCr, bFromCb, rgba, rowBytes);
        else
            YCbCrRows<Word>(y, cb, cr, alpha, alphaTable, shiftX, shiftY, luma, rFromCr, gFromCb, gFromCr, bFromCb, rgba, rowBytes);
    }

    private static void YCbCrRows<TSample>(HeifPlane y, HeifPlane cb, HeifPlane cr, HeifPlane? alpha, int[]? alphaTable,
        int shiftX, int shiftY, int[] luma, int[] rFromCr, int[] gFromCb, int[] gFromCr, int[] bFromCb, byte* rgba, int rowBytes)
        where TSample : ISample
    {
        var mask = (1 << y.Bits) - 1;
        fixed (int* lumaTable = luma, rCr = rFromCr, gCb = gFromCb, gCr = gFromCr, bCb = bFromCb, aTable = alphaTable)
        {
            for (var row = 0; row < y.Height; row++)
            {
                var yRow = y.Data + (nint)row * y.Stride;
                var cbRow = cb.Data + (nint)(row >> shiftY) * cb.Stride;
                var crRow = cr.Data + (nint)(row >> shiftY) * cr.Stride;
                var aRow = alpha is { } a ? a.Data + (nint)row * a.Stride : null;
                var aMask = alpha is { } b ? (1 << b.Bits) - 1 : 0;
                var output = rgba + (nint)row * rowBytes;
                for (var x = 0; x < y.Width; x++, output += 4)
                {
                    var l = lumaTable[TSample.Read(yRow, x) & mask];
                    var u = TSample.Read(cbRow, x >> shiftX) & mask;
                    var v = TSample.Read(crRow, x >> shiftX) & mask;
                    output[0] = ToByte(l + rCr[v]);
                    output[1] = ToByte(l + gCb[u] + gCr[v]);
                    output[2] = ToByte(l + bCb[u]);
                    output[3] = aRow is null ? (byte)255 : (byte)aTable[ReadAlpha(aRow, x, aMask)];
                }
            }
        }
    }

    /// <summary>Planar R, G, B (or one plane three times for monochrome) scaled to 8 bits.</summary>
    private static void ConvertRgb(HeifPlane r, HeifPlane g, HeifPlane b, HeifPlane? alpha, byte* rgba, int rowBytes, bool fullRange)
    {
        var (width, height) = (g.Width, g.Height);
        foreach (var plane in (ReadOnlySpan<HeifPlane>)[r, b])
        {
            if (plane.Width < width || plane.Height < height || plane.Bits != g.Bits)
                throw new ImageConversionException("The colour planes do not match.");
        }
        CheckAlpha(alpha, width, height);
        var bits = g.Bits;
        var table = new int[1 << bits];
        var max = (1 << bits) - 1;
        var offset = fullRange ? 0 : 16 << (bits - 8);
        var scale = (fullRange ? 1.0 : 255.0 / 219) * 255.0 / max;
        for (var v = 0; v <= max; v++)
            table[v] = Math.Clamp((int)Math.Round((v - offset) * scale), 0, 255);
        var alphaTable = alpha is { } a ? ScaleTable(a.Bits) : null;
        if (bits <= 8)
            RgbRows<Byte>(r, g, b, alpha, table, alphaTable, rgba, rowBytes);
        else
            RgbRows<Word>(r, g, b, alpha, table, alphaTable, rgba, rowBytes);
    }

    private static void RgbRows<TSample>(HeifPlane r, HeifPlane g, HeifPlane b, HeifPlane? alpha, int[] scale, int[]? alphaTable,
        byte* rgba, int rowBytes)
        where TSample : ISample
    {
        var mask = (1 << g.Bits) - 1;
        fixed (int* table = scale, aTable = alphaTable)
        {
            for (var row = 0; row < g.Height; row++)
            {
                var rRow = r.Data + (nint)row * r.Stride;
                var gRow = g.Data + (nint)row * g.Stride;
                var bRow = b.Data + (nint)row * b.Stride;
                var aRow = alpha is { } a ? a.Data + (nint)row * a.Stride : null;
                var aMask = alpha is { } c ? (1 << c.Bits) - 1 : 0;
                var output = rgba + (nint)row * rowBytes;
                for (var x = 0; x < g.Width; x++, output += 4)
                {
                    output[0] = (byte)table[TSample.Read(rRow, x) & mask];
                    output[1] = (byte)table[TSample.Read(gRow, x) & mask];
                    output[2] = (byte)table[TSample.Read(bRow, x) & mask];
                    output[3] = aRow is null ? (byte)255 : (byte)aTable[ReadAlpha(aRow, x, aMask)];
                }
            }
        }
    }

    private static int ReadAlpha(byte* row, int x, int mask) => mask > 255 ? Word.Read(row, x) & mask : Byte.Read(row, x) & mask;

    private static int[] ScaleTable(int bits)
    {
        var max = (1 << bits) - 1;
        var table = new int[max + 1];
        for (var v = 0; v <= max; v++)
            table[v] = (int)Math.Round(v * 255.0 / max);
        return table;
    }

    private static void CheckAlpha(HeifPlane? alpha, int width, int height)
    {
        if (alpha is { } a && (a.Width < width || a.Height < height))
            throw new ImageConversionException("The alpha plane is smaller than the image.");
    }

    /// <summary>0 when the chroma plane is full size, 1 when it is half (rounded up); anything else is refused.</summary>
    private static int Subsampling(int chroma, int luma) =>
        chroma >= luma ? 0
        : chroma >= (luma + 1) / 2 ? 1
        : throw new ImageConversionException($"Unsupported chroma subsampling ({chroma} samples for {luma}).");

    private static byte ToByte(int fixedPoint) => (byte)Math.Clamp((fixedPoint + One / 2) >> 16, 0, 255);

    private interface ISample
    {
        static abstract int Read(byte* row, int x);
    }

    private readonly struct Byte : ISample
    {
        public static int Read(byte* row, int x) => row[x];
    }

    private readonly struct Word : ISample
    {
        public static int Read(byte* row, int x) => ((ushort*)row)[x];
    }
}

/// <summary>YCbCr → RGB factors for an nclx matrix_coefficients code point (ITU-T H.273), as libheif defines them.</summary>
internal readonly record struct YCbCrMatrix(double RFromCr, double GFromCb, double GFromCr, double BFromCb, bool FullRange, bool IsIdentity)
{
    /// <summary>Without nclx libheif assumes BT.601 and full range; so do we.</summary>
    public static YCbCrMatrix For(HeifNative.Nclx? nclx)
    {
        var full = nclx is not { FullRangeFlag: 0 };
        if (nclx?.MatrixCoefficients is 8 or 11 or 14)
            throw new ImageConversionException($"YCbCr matrix {nclx.Value.MatrixCoefficients} (H.273) is not supported.");
        var (kr, kb) = (nclx?.MatrixCoefficients, nclx?.ColorPrimaries) switch
        {
            (0, _) => (0.0, 0.0),
            (1, _) => (0.2126, 0.0722),
            (4, _) => (0.30, 0.11),
            (7, _) => (0.212, 0.087),
            (9, _) or (10, _) => (0.2627, 0.0593),
            // Chromaticity-derived matrices (12, 13) for the primaries phones use; BT.601 otherwise.
            (12 or 13, 1) => (0.2126, 0.0722),
            (12 or 13, 9) => (0.2627, 0.0593),
            (12 or 13, 12) => (0.2289746, 0.0792869),
            _ => (0.299, 0.114),
        };
        if (nclx?.MatrixCoefficients == 0)
            return new YCbCrMatrix(0, 0, 0, 0, full, IsIdentity: true);
        return new YCbCrMatrix(
            RFromCr: 2 * (1 - kr),
            GFromCb: -2 * kb * (1 - kb) / (1 - kb - kr),
            GFromCr: -2 * kr * (1 - kr) / (1 - kb - kr),
            BFromCb: 2 * (1 - kb),
            full,
            IsIdentity: false);
    }
}
