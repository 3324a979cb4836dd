using AotBot.Imaging.Heif;
using SkiaSharp;

namespace AotBot.Imaging;

/// <summary>Maps an image's colour description to the Skia colour space its RGB values are in; null means sRGB.</summary>
internal static class ColorProfiles
{
    /// <summary>
    /// An ICC profile wins over nclx (phones write Display P3 as ICC). libheif has already applied nclx's matrix and
    /// range while converting YCbCr to RGB; what is left is the gamut (primaries) and the transfer curve.
    /// </summary>
    public static SKColorSpace? FromHeif(HeifImageHandle handle)
    {
        if (handle.GetIccProfile() is { } icc)
            return FromIcc(icc);
        return handle.GetNclx() is { } nclx ? FromNclx(nclx.ColorPrimaries, nclx.TransferCharacteristics) : null;
    }

    /// <summary>The colour space of an ICC profile, or null for sRGB and for profiles Skia cannot use (then treated as sRGB).</summary>
    public static SKColorSpace? FromIcc(ReadOnlySpan<byte> icc)
    {
        var space = SKColorSpace.CreateIcc(icc);
        if (space is { IsSrgb: true })
        {
            space.Dispose();
            return null;
        }
        return space;
    }

    /// <summary>The colour space of ITU-T H.273 primaries and transfer characteristics, or null when they amount to sRGB.</summary>
    public static SKColorSpace? FromNclx(int primaries, int transfer)
    {
        // SDR video curves (BT.709, BT.601, BT.2020, unspecified) are displayed as sRGB, as browsers and the other
        // converters do; only linear, PQ and HLG differ enough to matter.
        var curve = transfer switch
        {
            8 => SKColorspaceTransferFnCicp.Linear,
            16 => SKColorspaceTransferFnCicp.Pq,
            18 => SKColorspaceTransferFnCicp.Hlg,
            _ => SKColorspaceTransferFnCicp.Iec6196621,
        };
        // 1 = BT.709 (sRGB's own primaries), 2 = unspecified; code points Skia does not know are taken as sRGB too.
        var gamut = primaries is 1 or 2 || !Enum.IsDefined((SKColorspacePrimariesCicp)primaries)
            ? SKColorspacePrimariesCicp.Rec709
            : (SKColorspacePrimariesCicp)primaries;
        if (gamut == SKColorspacePrimariesCicp.Rec709 && curve == SKColorspaceTransferFnCicp.Iec6196621)
            return null;
        var space = SKColorSpace.CreateCicp(gamut, curve);
        if (space is { IsSrgb: true })
        {
            space.Dispose();
            return null;
        }
        return space;
    }
}
