using Microsoft.Win32.SafeHandles;

namespace AotBot.Imaging.Heif;

/// <summary>One plane of a decoded image: samples of <see cref="Bits"/> bits, in bytes (≤ 8) or 16-bit words.</summary>
internal readonly unsafe struct HeifPlane(byte* data, int stride, int width, int height, int bits)
{
    public byte* Data { get; } = data;
    public int Stride { get; } = stride;
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int Bits { get; } = bits;
}

/// <summary>A decoded image; owns its planes in native memory.</summary>
internal sealed unsafe class HeifImage : SafeHandleZeroOrMinusOneIsInvalid
{
    public HeifImage() : base(ownsHandle: true)
    {
    }

    public int Colorspace => HeifNative.heif_image_get_colorspace(this);

    public bool HasChannel(int channel) => HeifNative.heif_image_has_channel(this, channel) != 0;

    /// <summary>A plane, checked to be readable for its declared size.</summary>
    public HeifPlane GetPlane(int channel)
    {
        var data = HeifNative.heif_image_get_plane_readonly(this, channel, out var stride);
        var width = HeifNative.heif_image_get_width(this, channel);
        var height = HeifNative.heif_image_get_height(this, channel);
        var bits = HeifNative.heif_image_get_bits_per_pixel_range(this, channel);
        if (data is null || width <= 0 || height <= 0 || bits is < 1 or > 16 || stride < width * (bits > 8 ? 2 : 1))
            throw new ImageConversionException($"libheif returned an unusable plane {channel} ({width}x{height}, {bits} bits).");
        return new HeifPlane(data, stride, width, height, bits);
    }

    /// <summary>The nclx description libheif attached to the decoded planes (it drives YCbCr → RGB), or null.</summary>
    public HeifNative.Nclx? GetNclx()
    {
        var error = HeifNative.heif_image_get_nclx_color_profile(this, out var nclx);
        return TakeNclx(error, nclx);
    }

    /// <summary>Copies and frees an nclx profile libheif handed out; on error the pointer is not set and not touched.</summary>
    internal static HeifNative.Nclx? TakeNclx(HeifNative.Error error, HeifNative.Nclx* nclx)
    {
        if (!error.IsOk || nclx is null)
            return null;
        var copy = *nclx;
        HeifNative.heif_nclx_color_profile_free(nclx);
        return copy;
    }

    protected override bool ReleaseHandle()
    {
        HeifNative.heif_image_release(handle);
        return true;
    }
}
