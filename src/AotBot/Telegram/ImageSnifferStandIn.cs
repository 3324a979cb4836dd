using AotBot.Imaging;

namespace AotBot.Telegram;

// TEMPORARY until the imaging branch lands its ImageSniffer: same surface, magic bytes of the formats we send.
internal static class ImageSniffer
{
    public const int HeaderLength = 64;

    public static ImageFormat Detect(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return ImageFormat.Jpeg;
        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return ImageFormat.Png;
        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8)) return ImageFormat.Webp;
        if (header.StartsWith("GIF8"u8)) return ImageFormat.Gif;
        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8))
            return header[8..12].SequenceEqual("avif"u8) ? ImageFormat.Avif : ImageFormat.Heif;
        return ImageFormat.Unknown;
    }

    public static bool IsTelegramPhotoFormat(ImageFormat format) => format is ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.Webp;
}
