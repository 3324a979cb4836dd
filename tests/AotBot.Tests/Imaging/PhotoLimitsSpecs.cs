using System.Runtime.InteropServices;
using AotBot.Imaging;
using SkiaSharp;

namespace AotBot.Tests.Imaging;

public sealed class PhotoLimitsSpecs
{
    [Theory]
    [InlineData(2000, 100, false)]
    [InlineData(2001, 100, true)]
    [InlineData(100, 2001, true)]
    [InlineData(4032, 3024, false)]
    public void I_can_tell_an_image_too_elongated_for_a_photo(int width, int height, bool expected)
    {
        Assert.Equal(expected, PhotoLimits.IsTooElongated(width, height));
    }

    [Theory]
    [InlineData(4032, 3024, 4032, 3024)]
    [InlineData(5000, 5000, 5000, 5000)]
    [InlineData(8000, 6000, 5714, 4285)]
    [InlineData(9600, 480, 9523, 476)]
    public void I_get_the_largest_size_whose_sides_add_up_to_10000_at_most(int width, int height, int fitWidth, int fitHeight)
    {
        var fit = PhotoLimits.FitSides(width, height);

        Assert.Equal((fitWidth, fitHeight), fit);
        Assert.True(fit.Width + fit.Height <= 10_000);
    }

    [Fact]
    public void I_get_a_jpeg_over_10_mb_shrunk_until_it_fits()
    {
        // Arrange: 3000x2400 of noise at quality 100 encodes to about 20 MB.
        const int width = 3000, height = 2400;
        var noise = new byte[width * height * 4];
        new Random(1).NextBytes(noise);
        var pixels = Marshal.AllocHGlobal(noise.Length);
        try
        {
            Marshal.Copy(noise, 0, pixels, noise.Length);

            // Act
            var converted = PhotoEncoder.Encode(new RgbaPixels(pixels, width, height, width * 4, SKAlphaType.Opaque, null), quality: 100);

            // Assert
            Assert.False(converted.SendAsDocument);
            Assert.InRange(converted.Jpeg.Length, 1, PhotoLimits.MaxBytes);
            Assert.True(converted.Width < width && converted.Height < height);
            Assert.Equal(width * 1000 / height, converted.Width * 1000 / converted.Height, tolerance: 2);
            using var bitmap = SKBitmap.Decode(converted.Jpeg.ToArray());
            Assert.Equal((converted.Width, converted.Height), (bitmap.Width, bitmap.Height));
        }
        finally
        {
            Marshal.FreeHGlobal(pixels);
        }
    }
}
