using System.Buffers.Binary;

namespace AotBot.Imaging;

/// <summary>Tells an image's format from its first bytes; never guesses (unknown stays <see cref="ImageFormat.Unknown"/>).</summary>
public static class ImageSniffer
{
    /// <summary>Bytes enough for every signature here, including a long ftyp brand list.</summary>
    public const int HeaderLength = 64;

    /// <summary>The format of <paramref name="header"/> (the file's start; <see cref="HeaderLength"/> bytes are enough).</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> header)
    {
        // Only the first HeaderLength bytes decide: a body in memory and the same body sniffed from its temp file
        // (which reads that much) must get the same answer, whatever brands a long ftyp box lists further on.
        header = header[..Math.Min(header.Length, HeaderLength)];
        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return ImageFormat.Jpeg;
        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return ImageFormat.Png;
        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
            return ImageFormat.Webp;
        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8))
            return ImageFormat.Gif;
        return DetectIsoBmff(header);
    }

    /// <summary>True for formats Telegram shows as photos as they are (JPEG, PNG, WebP); the rest are converted or sent as documents.</summary>
    public static bool IsTelegramPhotoFormat(ImageFormat format) =>
        format is ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.Webp;

    // ISO-BMFF: a leading 'ftyp' box with a major brand, a minor version and compatible brands. Phones write major
    // brands such as 'mif1' with 'heic' only among the compatible ones, so every brand counts: the major brand first,
    // then the compatible ones in order; the generic image-structure brands (mif1, msf1) alone mean HEIF.
    private static ImageFormat DetectIsoBmff(ReadOnlySpan<byte> header)
    {
        if (header.Length < 16 || !header[4..8].SequenceEqual("ftyp"u8))
            return ImageFormat.Unknown;
        var size = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (size < 16 || size % 4 != 0)
            return ImageFormat.Unknown;
        var box = header[..(int)Math.Min(size, (uint)header.Length)];

        var generic = false;
        for (var offset = 8; offset + 4 <= box.Length; offset += 4)
        {
            if (offset == 12)
                continue; // the minor version, not a brand
            switch (Classify(box.Slice(offset, 4)))
            {
                case Brand.Heif: return ImageFormat.Heif;
                case Brand.Avif: return ImageFormat.Avif;
                case Brand.Generic: generic = true; break;
            }
        }
        return generic ? ImageFormat.Heif : ImageFormat.Unknown;
    }

    private enum Brand { Other, Heif, Avif, Generic }

    private static Brand Classify(ReadOnlySpan<byte> brand) => brand switch
    {
        _ when brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8)
            || brand.SequenceEqual("hevx"u8) || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8) => Brand.Heif,
        _ when brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8) => Brand.Avif,
        _ when brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8) => Brand.Generic,
        _ => Brand.Other,
    };
}
