using System.Text;
using AotBot.Imaging;

namespace AotBot.Tests.Imaging;

public sealed class ImageSnifferSpecs
{
    /// <summary>An ftyp box with a major brand and compatible brands, followed by a few bytes of something else.</summary>
    private static byte[] Ftyp(string major, params string[] compatible)
    {
        var size = 16 + 4 * compatible.Length;
        byte[] box = [0, 0, 0, (byte)size, .. "ftyp"u8, .. Encoding.ASCII.GetBytes(major), 0, 0, 0, 0,
            .. compatible.SelectMany(Encoding.ASCII.GetBytes)];
        return [.. box, 0, 0, 0, 8, .. "meta"u8];
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F' }, ImageFormat.Jpeg)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE1, 0x12, 0x34, (byte)'E', (byte)'x' }, ImageFormat.Jpeg)]
    [InlineData(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }, ImageFormat.Png)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'E', (byte)'B', (byte)'P', (byte)'V', (byte)'P', (byte)'8' }, ImageFormat.Webp)]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1, 0 }, ImageFormat.Gif)]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7', (byte)'a', 1, 0 }, ImageFormat.Gif)]
    public void I_can_tell_the_common_formats_from_their_signatures(byte[] header, ImageFormat expected)
    {
        Assert.Equal(expected, ImageSniffer.Detect(header));
    }

    [Theory]
    [InlineData("heic")]
    [InlineData("heix")]
    [InlineData("hevc")]
    [InlineData("hevx")]
    [InlineData("heim")]
    [InlineData("heis")]
    [InlineData("mif1")]
    [InlineData("msf1")]
    public void I_can_tell_heif_from_each_of_its_major_brands(string brand)
    {
        Assert.Equal(ImageFormat.Heif, ImageSniffer.Detect(Ftyp(brand)));
    }

    [Theory]
    [InlineData("avif")]
    [InlineData("avis")]
    public void I_can_tell_avif_from_its_major_brands(string brand)
    {
        Assert.Equal(ImageFormat.Avif, ImageSniffer.Detect(Ftyp(brand, "mif1", "miaf")));
    }

    [Theory]
    [InlineData(ImageFormat.Heif, "mif1", "heic")] // how phones write HEIC: the brand is only compatible
    [InlineData(ImageFormat.Heif, "iso8", "mif1", "MiHE", "heix")]
    [InlineData(ImageFormat.Heif, "msf1", "iso8", "hevc")]
    [InlineData(ImageFormat.Avif, "mif1", "miaf", "avif")]
    [InlineData(ImageFormat.Avif, "msf1", "avis")]
    [InlineData(ImageFormat.Heif, "heic", "avif")] // the major brand comes first
    [InlineData(ImageFormat.Avif, "avif", "heic")]
    [InlineData(ImageFormat.Heif, "iso8", "mif1", "miaf")] // the structure brand alone still means HEIF
    public void I_can_tell_the_format_from_compatible_brands(ImageFormat expected, string major, params string[] compatible)
    {
        Assert.Equal(expected, ImageSniffer.Detect(Ftyp(major, compatible)));
    }

    [Theory]
    [InlineData("isom", "iso2", "mp41")] // an MP4 video
    [InlineData("qt  ")]
    [InlineData("crx ", "isom")] // Canon raw
    public void I_get_unknown_for_other_iso_bmff_files(string major, params string[] compatible)
    {
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect(Ftyp(major, compatible)));
    }

    [Fact]
    public void I_get_unknown_for_anything_else_instead_of_a_guess()
    {
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect([]));
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect([0xFF, 0xD8]));
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect("<!DOCTYPE html><html>"u8));
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect("RIFF\0\0\0\0WAVEfmt "u8));
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect([0, 0, 0, 12, .. "ftypheic"u8])); // too short for a brand list
        Assert.Equal(ImageFormat.Unknown, ImageSniffer.Detect([0, 0, 0, 18, .. "ftypheic"u8, 0, 0, 0, 0, 0, 0])); // size not brand-aligned
    }

    [Fact]
    public void I_can_sniff_the_real_fixtures()
    {
        Assert.Equal(ImageFormat.Heif, ImageSniffer.Detect(ImagingFixtures.Bytes("quadrants.heic")));
        Assert.Equal(ImageFormat.Heif, ImageSniffer.Detect(ImagingFixtures.Bytes("wide.heic")));
        Assert.Equal(ImageFormat.Avif, ImageSniffer.Detect(ImagingFixtures.Bytes("quadrants.avif")));
    }

    [Theory]
    [InlineData(ImageFormat.Jpeg, true)]
    [InlineData(ImageFormat.Png, true)]
    [InlineData(ImageFormat.Webp, true)]
    [InlineData(ImageFormat.Gif, false)]
    [InlineData(ImageFormat.Heif, false)]
    [InlineData(ImageFormat.Avif, false)]
    [InlineData(ImageFormat.Unknown, false)]
    public void I_can_ask_which_formats_telegram_shows_as_photos(ImageFormat format, bool photo)
    {
        Assert.Equal(photo, ImageSniffer.IsTelegramPhotoFormat(format));
    }
}
