using AotBot.Imaging;
using AotBot.Testing.FakeBotApi;
using AotBot.Tests.Telegram;
using SkiaSharp;

namespace AotBot.Tests.Imaging;

public sealed class ThumbnailSpecs
{
    [Theory]
    [InlineData(720, 1280, 180, 320)]
    [InlineData(4000, 3000, 320, 240)]
    [InlineData(9600, 480, 320, 16)]
    [InlineData(200, 100, 200, 100)] // never enlarged
    public void I_get_a_baseline_JPEG_within_320_pixels_with_the_aspect_kept(int width, int height, int expectedWidth, int expectedHeight)
    {
        // Act
        var thumbnail = Thumbnails.Make(TestImages.Jpeg(width, height), maxPixels: 64_000_000);

        // Assert
        Assert.Equal((expectedWidth, expectedHeight), BotApiLimits.JpegSize(thumbnail));
        Assert.True(ImagingFixtures.ReadHeader(thumbnail).Baseline);
        Assert.True(thumbnail.Length < Thumbnails.MaxBytes);
    }

    [Fact]
    public void I_get_a_transparent_PNG_flattened_onto_white_and_its_colours_kept()
    {
        // Arrange: left half transparent, right half blue
        using var bitmap = new SKBitmap(640, 320, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(320, 0, 320, 320, blue);
        }
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        // Act
        using var thumbnail = ImagingFixtures.Decode(Thumbnails.Make(png.ToArray(), 64_000_000));

        // Assert
        Assert.Equal((320, 160), (thumbnail.Width, thumbnail.Height));
        ImagingFixtures.AssertColor(thumbnail, 40, 80, ImagingFixtures.White);
        ImagingFixtures.AssertColor(thumbnail, 280, 80, ImagingFixtures.Blue);
    }

    [Fact]
    public void I_get_noise_under_200000_bytes_by_a_lower_quality()
    {
        // Arrange: random pixels, the worst case for JPEG
        using var bitmap = new SKBitmap(320, 320, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var random = new Random(7);
        var pixels = new byte[320 * 320 * 4];
        random.NextBytes(pixels);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        // Act
        var thumbnail = Thumbnails.Make(png.ToArray(), 64_000_000);

        // Assert
        Assert.InRange(thumbnail.Length, 1, Thumbnails.MaxBytes - 1);
        Assert.Equal((320, 320), BotApiLimits.JpegSize(thumbnail));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 2, 3 })]
    public void I_get_a_conversion_error_for_a_cover_that_is_not_an_image(byte[] bytes)
    {
        Assert.Throws<ImageConversionException>(() => Thumbnails.Make(bytes, 64_000_000));
    }

    [Fact]
    public void I_get_a_conversion_error_for_a_cover_over_the_pixel_limit()
    {
        var error = Assert.Throws<ImageConversionException>(() => Thumbnails.Make(TestImages.Jpeg(2000, 2000), maxPixels: 1_000_000));
        Assert.Contains("2000x2000", error.Message);
    }
}
