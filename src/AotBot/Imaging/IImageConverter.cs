namespace AotBot.Imaging;

/// <summary>An image format read from magic bytes, never from a file name or Content-Type.</summary>
public enum ImageFormat { Unknown, Jpeg, Png, Webp, Gif, Heif, Avif }

/// <summary>Converts images Telegram cannot show as photos (HEIC, AVIF) into JPEG, on the dedicated conversion pool.</summary>
public interface IImageConverter
{
    /// <summary>
    /// Decodes <paramref name="image"/> and encodes it as a JPEG that fits Telegram's photo limits.
    /// Throws <see cref="ImageConversionException"/> for corrupt, truncated, oversized or unsupported input.
    /// </summary>
    ValueTask<ConvertedImage> ConvertAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken);
}

/// <summary>A converted JPEG. <see cref="SendAsDocument"/> is set when Telegram would refuse it as a photo (ratio over 20).</summary>
public sealed record ConvertedImage(ReadOnlyMemory<byte> Jpeg, int Width, int Height, bool SendAsDocument);

/// <summary>The image could not be converted; the caller sends the original as a document.</summary>
public sealed class ImageConversionException(string message, Exception? inner = null) : AotBotException(message, inner);
