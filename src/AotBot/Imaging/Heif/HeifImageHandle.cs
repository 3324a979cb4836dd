using Microsoft.Win32.SafeHandles;

namespace AotBot.Imaging.Heif;

/// <summary>An image item of a <see cref="HeifContext"/>: what its boxes declare, before anything is decoded.</summary>
internal sealed unsafe class HeifImageHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public HeifImageHandle() : base(ownsHandle: true)
    {
    }

    /// <summary>Width after the rotation/mirror/crop transformations.</summary>
    public int Width => HeifNative.heif_image_handle_get_width(this);

    public int Height => HeifNative.heif_image_handle_get_height(this);

    /// <summary>Width of the coded image as its ispe box declares it, before transformations.</summary>
    public int CodedWidth => HeifNative.heif_image_handle_get_ispe_width(this);

    public int CodedHeight => HeifNative.heif_image_handle_get_ispe_height(this);

    public bool HasAlpha => HeifNative.heif_image_handle_has_alpha_channel(this) != 0;

    public bool IsPremultipliedAlpha => HeifNative.heif_image_handle_is_premultiplied_alpha(this) != 0;

    /// <summary>The embedded ICC profile (prof or rICC), or null.</summary>
    public byte[]? GetIccProfile()
    {
        var type = HeifNative.heif_image_handle_get_color_profile_type(this);
        if (type != HeifNative.ProfileIcc && type != HeifNative.ProfileRestrictedIcc)
            return null;
        var size = HeifNative.heif_image_handle_get_raw_color_profile_size(this);
        if (size == 0 || size > 4 * 1024 * 1024)
            return null;
        var profile = new byte[(int)size];
        fixed (byte* data = profile)
            HeifContext.Check(HeifNative.heif_image_handle_get_raw_color_profile(this, data), "read the ICC profile");
        return profile;
    }

    /// <summary>The nclx colour description (H.273 primaries, transfer, matrix), or null when the file has none.</summary>
    public HeifNative.Nclx? GetNclx()
    {
        var error = HeifNative.heif_image_handle_get_nclx_color_profile(this, out var nclx);
        return HeifImage.TakeNclx(error, nclx);
    }

    /// <summary>
    /// Decodes with the transformations applied, keeping the decoder's own planes (YCbCr 4:2:0, monochrome, or planar
    /// RGB for grids) rather than a converted copy: an undefined colorspace and chroma ask libheif (1.19) for just that.
    /// The result owns the planes: dispose it as soon as they are read.
    /// </summary>
    public HeifImage Decode()
    {
        var options = new HeifNative.DecodingOptions { Version = 4 };
        HeifContext.Check(
            HeifNative.heif_decode_image(this, out var image, HeifNative.ColorspaceUndefined, HeifNative.ChromaUndefined, &options),
            "decode the image");
        return image;
    }

    protected override bool ReleaseHandle()
    {
        HeifNative.heif_image_handle_release(handle);
        return true;
    }
}
