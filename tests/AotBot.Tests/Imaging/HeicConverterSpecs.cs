using AotBot.Imaging;
using SkiaSharp;
using static AotBot.Tests.Imaging.ImagingFixtures;

namespace AotBot.Tests.Imaging;

public sealed class HeicConverterSpecs
{
    [Fact]
    public async Task I_can_convert_a_heic_to_a_jpeg_with_its_colours_where_they_were()
    {
        // Act
        var converted = await ConvertAsync(Bytes("quadrants.heic"));

        // Assert
        Assert.Equal((96, 64, false), (converted.Width, converted.Height, converted.SendAsDocument));
        using var bitmap = Decode(converted.Jpeg);
        Assert.Equal((96, 64), (bitmap.Width, bitmap.Height));
        AssertQuadrants(bitmap);
    }

    [Fact]
    public async Task I_can_convert_an_avif_through_the_static_av1_decoder()
    {
        // Act
        var converted = await ConvertAsync(Bytes("quadrants.avif"));

        // Assert
        Assert.Equal((96, 64), (converted.Width, converted.Height));
        using var bitmap = Decode(converted.Jpeg);
        AssertQuadrants(bitmap);
    }

    [Fact]
    public async Task I_get_a_baseline_4_2_0_jpeg_at_the_configured_quality()
    {
        // Act
        var at75 = await ConvertAsync(Bytes("quadrants.heic"));
        var at90 = await ConvertAsync(Bytes("quadrants.heic"), quality: 90);

        // Assert
        var header = ReadHeader(at75.Jpeg);
        Assert.True(header.Baseline);
        Assert.False(header.Progressive);
        Assert.Equal((96, 64), (header.Width, header.Height));
        Assert.Equal([0x22, 0x11, 0x11], header.SamplingFactors); // Y 2x2, Cb and Cr 1x1: 4:2:0
        Assert.Equal(LibjpegLumaTable(75), header.LumaTable);
        Assert.Equal(LibjpegLumaTable(90), ReadHeader(at90.Jpeg).LumaTable);
    }

    [Fact]
    public async Task I_can_convert_a_10_bit_heic()
    {
        // Act
        var converted = await ConvertAsync(Bytes("quadrants-10bit.heic"));

        // Assert
        using var bitmap = Decode(converted.Jpeg);
        AssertQuadrants(bitmap);
    }

    [Fact]
    public async Task I_get_transparent_areas_on_white_and_half_transparent_ones_blended()
    {
        // Act
        var converted = await ConvertAsync(Bytes("alpha.heic"));

        // Assert
        using var bitmap = Decode(converted.Jpeg);
        AssertColor(bitmap, 8, 8, Red);
        AssertColor(bitmap, 48, 16, White);
        AssertColor(bitmap, 48, 58, (127, 127, 255), tolerance: 10); // 50 % blue over white
    }

    [Theory]
    [InlineData(1, 64, 96, "bottom-left")] // 90° anticlockwise: the top-left corner goes down
    [InlineData(2, 96, 64, "bottom-right")]
    [InlineData(3, 64, 96, "top-right")]
    public async Task I_get_the_image_rotated_as_its_irot_box_says(int quarterTurns, int width, int height, string redCorner)
    {
        // Arrange
        var heif = HeifFile.Load("quadrants.heic");
        heif.AddProperty(heif.PrimaryId, HeifFile.Irot(quarterTurns));

        // Act
        var converted = await ConvertAsync(heif.Write());

        // Assert
        Assert.Equal((width, height), (converted.Width, converted.Height));
        using var bitmap = Decode(converted.Jpeg);
        var (x, y) = Corner(redCorner, width, height);
        AssertColor(bitmap, x, y, Red);
    }

    [Theory]
    [InlineData(1, "top-right", "quadrants.heic")] // left-right
    [InlineData(0, "bottom-left", "quadrants.heic")] // top-bottom
    [InlineData(1, "top-right", "quadrants-10bit.heic")] // libheif 1.15 refused these (we patched it); 1.19 mirrors 16-bit planes itself
    public async Task I_get_the_image_mirrored_as_its_imir_box_says(int mode, string redCorner, string fixture)
    {
        // Arrange
        var heif = HeifFile.Load(fixture);
        heif.AddProperty(heif.PrimaryId, HeifFile.Imir(mode));

        // Act
        var converted = await ConvertAsync(heif.Write());

        // Assert
        using var bitmap = Decode(converted.Jpeg);
        var (x, y) = Corner(redCorner, 96, 64);
        AssertColor(bitmap, x, y, Red);
        AssertColor(bitmap, 96 - x, 64 - y, White);
    }

    [Fact]
    public async Task I_can_convert_a_grid_of_tiles_cropped_to_its_output_size()
    {
        // Arrange: four 64x64 tiles in a 2x2 grid whose output crops the last row and column.
        var grid = HeifFile.Grid(rows: 2, columns: 2, outputWidth: 120, outputHeight: 100,
            HeifFile.Load("tile-red.heic"), HeifFile.Load("tile-green.heic"), HeifFile.Load("tile-blue.heic"), HeifFile.Load("tile-white.heic"));

        // Act
        var converted = await ConvertAsync(grid.Write());

        // Assert
        Assert.Equal((120, 100), (converted.Width, converted.Height));
        using var bitmap = Decode(converted.Jpeg);
        AssertColor(bitmap, 30, 30, Red);
        AssertColor(bitmap, 95, 30, Green);
        AssertColor(bitmap, 30, 85, Blue);
        AssertColor(bitmap, 95, 85, White);
    }

    [Fact]
    public async Task I_get_display_p3_colours_converted_to_srgb_from_an_icc_profile()
    {
        // Act: the same pixels untagged (sRGB) and tagged Display P3 by an embedded ICC profile.
        var (original, p3) = await ConvertFlatPixelTaggedWith(HeifFile.ColrIcc(DisplayP3Icc()));

        // Assert
        var expected = DisplayP3ToSrgb(original.Red, original.Green, original.Blue);
        Assert.NotEqual((original.Red, original.Green, original.Blue), ((byte)expected.R, (byte)expected.G, (byte)expected.B));
        AssertPixel(p3, expected);
    }

    [Fact]
    public async Task I_get_display_p3_colours_converted_to_srgb_from_nclx_primaries()
    {
        // Act: colour primaries 12 (SMPTE EG 432-1, Display P3), sRGB transfer, BT.601 matrix, full range.
        var (original, p3) = await ConvertFlatPixelTaggedWith(HeifFile.ColrNclx(primaries: 12, transfer: 13, matrix: 6, fullRange: true));

        // Assert
        AssertPixel(p3, DisplayP3ToSrgb(original.Red, original.Green, original.Blue));
    }

    [Fact]
    public async Task I_get_limited_range_ycbcr_expanded_as_its_nclx_box_says()
    {
        // Act: flat.heic was coded full range; declaring it limited range stretches luma by 255/219 around 16.
        var (c, limited) = await ConvertFlatPixelTaggedWith(HeifFile.ColrNclx(primaries: 1, transfer: 13, matrix: 6, fullRange: false));

        // Assert: re-derive BT.601 YCbCr from the full-range result and expand it as limited range.
        var (y, cb, cr) = Bt601YCbCr(c);
        var (yl, cbl, crl) = ((y - 16) * 255 / 219, cb * 255 / 224, cr * 255 / 224);
        AssertPixel(limited, (Clip(yl + 1.402 * crl), Clip(yl - 0.344136 * cbl - 0.714136 * crl), Clip(yl + 1.772 * cbl)), tolerance: 4);
    }

    [Fact]
    public async Task I_get_bt709_ycbcr_converted_as_its_nclx_box_says()
    {
        // Act: flat.heic was coded with BT.601; declaring BT.709 changes how its chroma maps to RGB.
        var (c, bt709) = await ConvertFlatPixelTaggedWith(HeifFile.ColrNclx(primaries: 1, transfer: 13, matrix: 1, fullRange: true));

        // Assert: re-derive BT.601 YCbCr from the plain result and read it back with BT.709's factors.
        var (y, cb, cr) = Bt601YCbCr(c);
        AssertPixel(bt709, (Clip(y + 1.5748 * cr), Clip(y - 0.1873 * cb - 0.4681 * cr), Clip(y + 1.8556 * cb)), tolerance: 4);
    }

    /// <summary>The centre pixel of flat.heic as converted untagged, and the converted copy tagged with <paramref name="colr"/>.</summary>
    private static async Task<(SKColor Original, SKColor Tagged)> ConvertFlatPixelTaggedWith(byte[] colr)
    {
        var tagged = HeifFile.Load("flat.heic");
        tagged.AddProperty(tagged.PrimaryId, colr, essential: false);
        using var plain = Decode((await ConvertAsync(Bytes("flat.heic"))).Jpeg);
        using var converted = Decode((await ConvertAsync(tagged.Write())).Jpeg);
        return (plain.GetPixel(32, 32), converted.GetPixel(32, 32));
    }

    private static (double Y, double Cb, double Cr) Bt601YCbCr(SKColor c)
    {
        var y = 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;
        return (y, (c.Blue - y) / 1.772, (c.Red - y) / 1.402);
    }

    /// <summary>The quadrants fixture's four colours where they belong: red, green / blue, white.</summary>
    private static void AssertQuadrants(SKBitmap bitmap)
    {
        AssertColor(bitmap, 12, 8, Red);
        AssertColor(bitmap, 84, 8, Green);
        AssertColor(bitmap, 12, 56, Blue);
        AssertColor(bitmap, 84, 56, White);
    }

    private static int Clip(double v) => (int)Math.Round(Math.Clamp(v, 0, 255));

    private static void AssertPixel(SKColor actual, (int R, int G, int B) expected, int tolerance = 3) =>
        Assert.True(Math.Abs(actual.Red - expected.R) <= tolerance && Math.Abs(actual.Green - expected.G) <= tolerance
                    && Math.Abs(actual.Blue - expected.B) <= tolerance,
            $"colour is {actual}, expected about ({expected.R},{expected.G},{expected.B}) ± {tolerance}");

    [Fact]
    public async Task I_can_convert_an_image_cropped_to_odd_dimensions()
    {
        // Arrange: a clean aperture of 93x61 in the middle of the 96x64 quadrants.
        var heif = HeifFile.Load("quadrants.heic");
        heif.AddProperty(heif.PrimaryId, HeifFile.Clap(93, 61));

        // Act
        var converted = await ConvertAsync(heif.Write());

        // Assert
        Assert.Equal((93, 61), (converted.Width, converted.Height));
        using var bitmap = Decode(converted.Jpeg);
        Assert.Equal((93, 61), (bitmap.Width, bitmap.Height));
        AssertColor(bitmap, 10, 8, Red);
        AssertColor(bitmap, 84, 8, Green);
        AssertColor(bitmap, 10, 54, Blue);
        AssertColor(bitmap, 90, 58, White);
    }

    [Fact]
    public async Task I_get_a_very_wide_image_flagged_for_sending_as_a_document()
    {
        // Act
        var converted = await ConvertAsync(Bytes("wide.heic"));

        // Assert
        Assert.True(converted.SendAsDocument);
        Assert.Equal((1050, 50), (converted.Width, converted.Height));
    }

    [Fact]
    public async Task I_get_an_image_over_10000_in_width_plus_height_downscaled_to_fit()
    {
        // Act
        var converted = await ConvertAsync(Bytes("long.heic"));

        // Assert
        Assert.False(converted.SendAsDocument);
        Assert.True(converted.Width + converted.Height <= 10_000);
        Assert.Equal(9523, converted.Width);
        using var bitmap = Decode(converted.Jpeg);
        Assert.Equal((converted.Width, converted.Height), (bitmap.Width, bitmap.Height));
        AssertColor(bitmap, 4000, 200, (128, 128, 128), tolerance: 4);
    }

    [Fact]
    public async Task I_get_a_conversion_error_for_declared_dimensions_over_the_pixel_limit()
    {
        // Arrange: a valid file whose ispe claims 20000x20000 (400 MP).
        var heif = HeifFile.Load("quadrants.heic");
        heif.ReplaceProperty(heif.PrimaryId, "ispe", HeifFile.Ispe(20_000, 20_000));

        // Act
        var error = await Assert.ThrowsAsync<ImageConversionException>(() => ConvertAsync(heif.Write()));

        // Assert
        Assert.Contains("20000x20000", error.Message);
        Assert.Contains("Imaging:MaxPixels", error.Message);
    }

    [Fact]
    public async Task I_get_a_conversion_error_for_an_image_just_over_a_lower_pixel_limit()
    {
        // Arrange
        await using var converter = Converter(maxPixels: 1_000_000);
        var heif = HeifFile.Load("quadrants.heic");
        heif.ReplaceProperty(heif.PrimaryId, "ispe", HeifFile.Ispe(1001, 1000));

        // Act + Assert
        await Assert.ThrowsAsync<ImageConversionException>(() => converter.ConvertAsync(heif.Write(), CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.97)]
    public async Task I_get_a_conversion_error_for_a_truncated_file(double keep)
    {
        // Arrange
        var whole = Bytes("quadrants.heic");
        var truncated = whole[..(int)(whole.Length * keep)];

        // Act + Assert
        await Assert.ThrowsAsync<ImageConversionException>(() => ConvertAsync(truncated));
    }

    [Fact]
    public async Task I_get_a_conversion_error_for_garbage_behind_a_valid_ftyp_box()
    {
        // Arrange
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        byte[] file = [0, 0, 0, 24, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, .. garbage];

        // Act + Assert
        await Assert.ThrowsAsync<ImageConversionException>(() => ConvertAsync(file));
    }

    [Fact]
    public async Task I_get_a_conversion_error_for_a_corrupt_bitstream_in_a_valid_container()
    {
        // Arrange: the boxes intact, the HEVC data overwritten with noise.
        var heif = HeifFile.Load("quadrants.heic");
        var data = heif.Primary.Data;
        new Random(7).NextBytes(data.AsSpan(data.Length / 3));

        // Act + Assert: an error or an image, never a crash.
        try
        {
            var converted = await ConvertAsync(heif.Write());
            Assert.Equal((96, 64), (converted.Width, converted.Height));
        }
        catch (ImageConversionException)
        {
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0 }, "Png images are not converted.")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, "Not an image format we know.")]
    public async Task I_get_a_conversion_error_for_formats_that_need_no_conversion_or_are_unknown(byte[] input, string message)
    {
        var error = await Assert.ThrowsAsync<ImageConversionException>(() => ConvertAsync(input));

        Assert.Equal(message, error.Message);
    }

    private static (int X, int Y) Corner(string corner, int width, int height) => corner switch
    {
        "top-left" => (8, 8),
        "top-right" => (width - 8, 8),
        "bottom-left" => (8, height - 8),
        _ => (width - 8, height - 8),
    };
}
