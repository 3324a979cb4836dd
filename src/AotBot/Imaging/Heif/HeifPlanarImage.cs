using SkiaSharp;

namespace AotBot.Imaging.Heif;

/// <summary>
/// libheif's decoded planes (YCbCr at any subsampling, monochrome, or planar RGB for grids; 8 to 16 bits; optional
/// alpha) as a <see cref="DecodedImage"/>. Every sample goes through a lookup table (16.16 fixed point) that folds range
/// expansion, the YCbCr matrix and the scaling to 8 bits, indexed by the masked sample so corrupt input cannot read
/// outside it. Chroma is taken nearest-neighbour, as libheif does; for JPEG, 4:2:0 chroma passes through on its grid.
/// </summary>
internal sealed unsafe class HeifPlanarImage : DecodedImage
{
    private const int One = 1 << 16;

    private readonly HeifImage _image;
    private readonly HeifPlane _first, _second, _third; // Y Cb Cr, or R G B, or Y Y Y
    private readonly HeifPlane? _alpha;
    private readonly bool _isYCbCr;
    private readonly int _shiftX, _shiftY, _mask, _alphaMask;
    // RGB: _luma scales every channel. YCbCr: R = luma[Y] + rFromCr[Cr], G = luma[Y] + gFromCb[Cb] + gFromCr[Cr], ...
    private readonly int[] _luma, _rFromCr, _gFromCb, _gFromCr, _bFromCb, _alphaScale;
    // JPEG's own YCbCr from the source's: Y' = Y + a·Cb + b·Cr, Cb' = c·Cb + d·Cr, Cr' = e·Cb + f·Cr (a = b = 0 for BT.601).
    private readonly int[] _jpegLuma, _jpegLumaFromCb, _jpegLumaFromCr, _cbFromCb, _cbFromCr, _crFromCb, _crFromCr;
    private readonly bool _jpegLumaMixesChroma;
    // 8-bit full-range BT.601 (what phones and encoders mostly write) is JPEG's own YCbCr: rows are copied as they are.
    private readonly bool _jpegCopies;

    public HeifPlanarImage(HeifImage image, SKAlphaType alphaType, SKColorSpace? colorSpace)
    {
        _image = image;
        AlphaType = alphaType;
        ColorSpace = colorSpace;
        _alpha = image.HasChannel(HeifNative.ChannelAlpha) && alphaType != SKAlphaType.Opaque ? image.GetPlane(HeifNative.ChannelAlpha) : null;
        var matrix = YCbCrMatrix.For(image.GetNclx());
        switch (image.Colorspace)
        {
            case HeifNative.ColorspaceYCbCr:
                (_first, _second, _third) = (image.GetPlane(HeifNative.ChannelY), image.GetPlane(HeifNative.ChannelCb), image.GetPlane(HeifNative.ChannelCr));
                if (matrix.IsIdentity) // GBR: G in Y, B in Cb, R in Cr
                    (_first, _second, _third) = (_third, _first, _second);
                else
                    _isYCbCr = true;
                break;
            case HeifNative.ColorspaceMonochrome:
                _first = _second = _third = image.GetPlane(HeifNative.ChannelY);
                break;
            case HeifNative.ColorspaceRgb:
                (_first, _second, _third) = (image.GetPlane(HeifNative.ChannelR), image.GetPlane(HeifNative.ChannelG), image.GetPlane(HeifNative.ChannelB));
                matrix = matrix with { FullRange = true }; // libheif's own RGB
                break;
            default:
                throw new ImageConversionException($"libheif returned colorspace {image.Colorspace}, which is not converted.");
        }

        var luma = _isYCbCr ? _first : _second;
        (Width, Height) = (luma.Width, luma.Height);
        _shiftX = _isYCbCr ? Subsampling(_second.Width, Width) : 0;
        _shiftY = _isYCbCr ? Subsampling(_second.Height, Height) : 0;
        var chromaWidth = (Width + (1 << _shiftX) - 1) >> _shiftX;
        var chromaHeight = (Height + (1 << _shiftY) - 1) >> _shiftY;
        foreach (var (plane, width, height) in (ReadOnlySpan<(HeifPlane, int, int)>)
                 [(_first, Width, Height), (_second, _isYCbCr ? chromaWidth : Width, _isYCbCr ? chromaHeight : Height),
                  (_third, _isYCbCr ? chromaWidth : Width, _isYCbCr ? chromaHeight : Height)])
        {
            if (plane.Width < width || plane.Height < height || plane.Bits != luma.Bits)
                throw new ImageConversionException("The image's planes do not match.");
        }
        if (_alpha is { } a && (a.Width < Width || a.Height < Height))
            throw new ImageConversionException("The alpha plane is smaller than the image.");

        var bits = luma.Bits;
        var max = (1 << bits) - 1;
        _mask = max;
        // Limited range: luma spans 16..235 and chroma 16..240, scaled to the bit depth.
        var lumaOffset = matrix.FullRange ? 0 : 16 << Math.Max(bits - 8, 0);
        var lumaScale = (matrix.FullRange ? 1.0 : 255.0 / 219) * 255.0 / max;
        var chromaScale = (matrix.FullRange ? 1.0 : 255.0 / 224) * 255.0 / max;
        var half = 1 << (bits - 1);
        _luma = Table(max, v => (v - lumaOffset) * lumaScale * One);
        _rFromCr = Table(max, v => matrix.RFromCr * (v - half) * chromaScale * One);
        _gFromCb = Table(max, v => matrix.GFromCb * (v - half) * chromaScale * One);
        _gFromCr = Table(max, v => matrix.GFromCr * (v - half) * chromaScale * One);
        _bFromCb = Table(max, v => matrix.BFromCb * (v - half) * chromaScale * One);
        var jpeg = matrix.ToJpeg();
        _jpegLuma = _luma;
        _jpegLumaFromCb = Table(max, v => jpeg.LumaFromCb * (v - half) * chromaScale * One);
        _jpegLumaFromCr = Table(max, v => jpeg.LumaFromCr * (v - half) * chromaScale * One);
        _cbFromCb = Table(max, v => (jpeg.CbFromCb * (v - half) * chromaScale + 128) * One);
        _cbFromCr = Table(max, v => jpeg.CbFromCr * (v - half) * chromaScale * One);
        _crFromCb = Table(max, v => jpeg.CrFromCb * (v - half) * chromaScale * One);
        _crFromCr = Table(max, v => (jpeg.CrFromCr * (v - half) * chromaScale + 128) * One);
        _jpegLumaMixesChroma = jpeg.LumaFromCb != 0 || jpeg.LumaFromCr != 0;
        _jpegCopies = bits == 8 && !_jpegLumaMixesChroma && _cbFromCr.All(c => c == 0) && _crFromCb.All(c => c == 0)
                      && Enumerable.Range(0, 256).All(v => ToByte(_luma[v]) == v && ToByte(_cbFromCb[v]) == v && ToByte(_crFromCr[v]) == v);
        _alphaMask = _alpha is { } alpha ? (1 << alpha.Bits) - 1 : 0;
        _alphaScale = _alpha is null ? [] : Table(_alphaMask, v => v * 255.0 / _alphaMask * One);
    }

    public override int Width { get; }

    public override int Height { get; }

    public override SKAlphaType AlphaType { get; }

    public override SKColorSpace? ColorSpace { get; }

    public override bool HasJpegYCbCr =>
        _isYCbCr && _shiftX == 1 && _shiftY == 1 && _alpha is null && ColorSpace is null && Width >= 2 && Height >= 2;

    public override void ReadRgba(int first, int count, byte* rgba, int rowBytes)
    {
        if (_first.Bits <= 8)
            ReadRgba<Byte>(first, count, rgba, rowBytes);
        else
            ReadRgba<Word>(first, count, rgba, rowBytes);
    }

    private void ReadRgba<TSample>(int first, int count, byte* rgba, int rowBytes) where TSample : ISample
    {
        fixed (int* luma = _luma, rCr = _rFromCr, gCb = _gFromCb, gCr = _gFromCr, bCb = _bFromCb, alphaScale = _alphaScale)
        {
            for (var row = first; row < first + count; row++)
            {
                var output = rgba + (nint)(row - first) * rowBytes;
                var p1 = Row(_first, row);
                var p2 = Row(_second, row >> _shiftY);
                var p3 = Row(_third, row >> _shiftY);
                if (_isYCbCr)
                {
                    for (var x = 0; x < Width; x++, output += 4)
                    {
                        var l = luma[TSample.Read(p1, x) & _mask];
                        var u = TSample.Read(p2, x >> _shiftX) & _mask;
                        var v = TSample.Read(p3, x >> _shiftX) & _mask;
                        output[0] = ToByte(l + rCr[v]);
                        output[1] = ToByte(l + gCb[u] + gCr[v]);
                        output[2] = ToByte(l + bCb[u]);
                        output[3] = 255;
                    }
                }
                else
                {
                    for (var x = 0; x < Width; x++, output += 4)
                    {
                        output[0] = ToByte(luma[TSample.Read(p1, x) & _mask]);
                        output[1] = ToByte(luma[TSample.Read(p2, x) & _mask]);
                        output[2] = ToByte(luma[TSample.Read(p3, x) & _mask]);
                        output[3] = 255;
                    }
                }
                if (_alpha is { } alpha)
                {
                    var a = Row(alpha, row);
                    output = rgba + (nint)(row - first) * rowBytes;
                    for (var x = 0; x < Width; x++)
                        output[x * 4 + 3] = ToByte(alphaScale[(alpha.Bits <= 8 ? Byte.Read(a, x) : Word.Read(a, x)) & _alphaMask]);
                }
            }
        }
    }

    public override void ReadJpegBand(int band, byte* y, int yStride, byte* cb, byte* cr, int cStride)
    {
        if (!HasJpegYCbCr)
            throw new NotSupportedException();
        if (_first.Bits <= 8)
            ReadJpegBand<Byte>(band, y, yStride, cb, cr, cStride);
        else
            ReadJpegBand<Word>(band, y, yStride, cb, cr, cStride);
    }

    private void ReadJpegBand<TSample>(int band, byte* y, int yStride, byte* cb, byte* cr, int cStride) where TSample : ISample
    {
        var paddedWidth = (Width + 15) & ~15;
        var chromaWidth = (Width + 1) >> 1;
        var chromaHeight = (Height + 1) >> 1;
        fixed (int* luma = _jpegLuma, lumaCb = _jpegLumaFromCb, lumaCr = _jpegLumaFromCr,
               cbCb = _cbFromCb, cbCr = _cbFromCr, crCb = _crFromCb, crCr = _crFromCr)
        {
            for (var i = 0; i < 16; i++)
            {
                var row = Math.Min(band * 16 + i, Height - 1);
                var source = Row(_first, row);
                var output = y + (nint)i * yStride;
                if (_jpegCopies)
                {
                    Buffer.MemoryCopy(source, output, Width, Width);
                }
                else if (_jpegLumaMixesChroma)
                {
                    var u = Row(_second, row >> 1);
                    var v = Row(_third, row >> 1);
                    for (var x = 0; x < Width; x++)
                        output[x] = ToByte(luma[TSample.Read(source, x) & _mask] + lumaCb[TSample.Read(u, x >> 1) & _mask] + lumaCr[TSample.Read(v, x >> 1) & _mask]);
                }
                else
                {
                    for (var x = 0; x < Width; x++)
                        output[x] = ToByte(luma[TSample.Read(source, x) & _mask]);
                }
                new Span<byte>(output + Width, paddedWidth - Width).Fill(output[Width - 1]);
            }
            for (var i = 0; i < 8; i++)
            {
                var row = Math.Min(band * 8 + i, chromaHeight - 1);
                var u = Row(_second, row);
                var v = Row(_third, row);
                var outCb = cb + (nint)i * cStride;
                var outCr = cr + (nint)i * cStride;
                if (_jpegCopies)
                {
                    Buffer.MemoryCopy(u, outCb, chromaWidth, chromaWidth);
                    Buffer.MemoryCopy(v, outCr, chromaWidth, chromaWidth);
                }
                else
                {
                    for (var x = 0; x < chromaWidth; x++)
                    {
                        var su = TSample.Read(u, x) & _mask;
                        var sv = TSample.Read(v, x) & _mask;
                        outCb[x] = ToByte(cbCb[su] + cbCr[sv]);
                        outCr[x] = ToByte(crCb[su] + crCr[sv]);
                    }
                }
                new Span<byte>(outCb + chromaWidth, paddedWidth / 2 - chromaWidth).Fill(outCb[chromaWidth - 1]);
                new Span<byte>(outCr + chromaWidth, paddedWidth / 2 - chromaWidth).Fill(outCr[chromaWidth - 1]);
            }
        }
        GC.KeepAlive(_image);
    }

    private static byte* Row(HeifPlane plane, int row) => plane.Data + (nint)row * plane.Stride;

    private static int[] Table(int max, Func<int, double> value)
    {
        var table = new int[max + 1];
        for (var v = 0; v <= max; v++)
            table[v] = (int)Math.Round(value(v));
        return table;
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
internal readonly record struct YCbCrMatrix(double Kr, double Kb, bool FullRange, bool IsIdentity)
{
    public double RFromCr => 2 * (1 - Kr);
    public double GFromCb => -2 * Kb * (1 - Kb) / (1 - Kb - Kr);
    public double GFromCr => -2 * Kr * (1 - Kr) / (1 - Kb - Kr);
    public double BFromCb => 2 * (1 - Kb);

    /// <summary>Without nclx libheif assumes BT.601 and full range; so do we.</summary>
    public static YCbCrMatrix For(HeifNative.Nclx? nclx)
    {
        var full = nclx is not { FullRangeFlag: 0 };
        if (nclx?.MatrixCoefficients is 8 or 11 or 14)
            throw new ImageConversionException($"YCbCr matrix {nclx.Value.MatrixCoefficients} (H.273) is not supported.");
        if (nclx?.MatrixCoefficients == 0)
            return new YCbCrMatrix(0, 0, full, IsIdentity: true);
        var (kr, kb) = (nclx?.MatrixCoefficients, nclx?.ColorPrimaries) switch
        {
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
        return new YCbCrMatrix(kr, kb, full, IsIdentity: false);
    }

    /// <summary>
    /// The affine map from this matrix's full-range YCbCr to JPEG's (BT.601): going through RGB, luma gains a chroma
    /// term and chroma stays a mix of chroma alone. All zero mixes for BT.601 itself.
    /// </summary>
    public (double LumaFromCb, double LumaFromCr, double CbFromCb, double CbFromCr, double CrFromCb, double CrFromCr) ToJpeg()
    {
        const double jr = 0.299, jb = 0.114, jg = 1 - jr - jb;
        // RGB - Y as a function of (Cb, Cr) in this matrix.
        var (rCb, rCr) = (0.0, RFromCr);
        var (gCb, gCr) = (GFromCb, GFromCr);
        var (bCb, bCr) = (BFromCb, 0.0);
        var lumaCb = jr * rCb + jg * gCb + jb * bCb;
        var lumaCr = jr * rCr + jg * gCr + jb * bCr;
        // JPEG Cb = (B - Y') / 1.772, Cr = (R - Y') / 1.402; Y' = Y + luma terms, so Y cancels.
        return (Near0(lumaCb), Near0(lumaCr),
            (bCb - lumaCb) / (2 * (1 - jb)), (bCr - lumaCr) / (2 * (1 - jb)),
            (rCb - lumaCb) / (2 * (1 - jr)), (rCr - lumaCr) / (2 * (1 - jr)));

        static double Near0(double v) => Math.Abs(v) < 1e-4 ? 0 : v;
    }
}
