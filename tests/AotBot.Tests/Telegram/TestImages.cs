using AotBot.Testing.FakeBotApi;
using SkiaSharp;

namespace AotBot.Tests.Telegram;

/// <summary>Real images encoded by Skia, for specs that need the bot to decode what it gets.</summary>
internal static class TestImages
{
    /// <summary>A <paramref name="width"/>×<paramref name="height"/> image: a red left half, a blue right half.</summary>
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality = 90)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Red);
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(width / 2f, 0, width / 2f, height, blue);
        }
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width, int height) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    public static byte[] Webp(int width, int height) => Encode(width, height, SKEncodedImageFormat.Webp);

    /// <summary>Asserts what the Bot API asks of a thumbnail, and returns its size.</summary>
    public static (int Width, int Height) AssertThumbnail(UploadedFile? thumbnail)
    {
        Assert.NotNull(thumbnail);
        Assert.True(thumbnail.Bytes.Length < 200_000, $"{thumbnail.Bytes.Length} bytes");
        var size = BotApiLimits.JpegSize(thumbnail.Bytes);
        Assert.NotNull(size); // a baseline JPEG
        Assert.InRange(size.Value.Width, 1, 320);
        Assert.InRange(size.Value.Height, 1, 320);
        return size.Value;
    }
}
