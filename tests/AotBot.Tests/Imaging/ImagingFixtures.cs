using System.Text;
using AotBot.Core;
using AotBot.Hosting;
using AotBot.Imaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace AotBot.Tests.Imaging;

/// <summary>The HEIC fixtures (made by Fixtures/Imaging/make-fixtures.sh) and helpers to look at converted JPEGs.</summary>
internal static class ImagingFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Imaging", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    public static HeicConverter Converter(int workers = 1, int quality = 75, int maxPixels = 64_000_000, int queueLimit = 16,
        BotMetrics? metrics = null) =>
        new(Options.Create(new ImagingOptions { Workers = workers, JpegQuality = quality, MaxPixels = maxPixels, QueueLimit = queueLimit }),
            metrics ?? new BotMetrics(TimeProvider.System), NullLogger<HeicConverter>.Instance, TimeProvider.System);

    public static async Task<ConvertedImage> ConvertAsync(byte[] input, int quality = 75)
    {
        await using var converter = Converter(quality: quality);
        return await converter.ConvertAsync(input, CancellationToken.None);
    }

    /// <summary>Decodes a JPEG we produced; Skia's decoder is the reference here, not the code under test.</summary>
    public static SKBitmap Decode(ReadOnlyMemory<byte> jpeg) =>
        SKBitmap.Decode(jpeg.ToArray()) ?? throw new InvalidDataException("not a decodable image");

    public static void AssertColor(SKBitmap bitmap, int x, int y, (int R, int G, int B) expected, int tolerance = 8)
    {
        var actual = bitmap.GetPixel(x, y);
        var ok = Math.Abs(actual.Red - expected.R) <= tolerance && Math.Abs(actual.Green - expected.G) <= tolerance
                 && Math.Abs(actual.Blue - expected.B) <= tolerance;
        Assert.True(ok, $"pixel ({x},{y}) is {actual}, expected about ({expected.R},{expected.G},{expected.B}) ± {tolerance}");
    }

    public static readonly (int, int, int) Red = (255, 0, 0), Green = (0, 255, 0), Blue = (0, 0, 255), White = (255, 255, 255);

    /// <summary>
    /// A Display P3 ICC profile as phones embed it: v2 display class, P3 primaries adapted to D50 (Bradford), the sRGB
    /// curve as a parametric curve. Written by hand: SkiaSharp reads ICC profiles but does not write them.
    /// </summary>
    public static byte[] DisplayP3Icc()
    {
        (string Tag, byte[] Data)[] tags =
        [
            ("desc", Desc("Display P3")),
            ("wtpt", Xyz(0.96420, 1.00000, 0.82491)),
            ("rXYZ", Xyz(0.51510, 0.24120, -0.00105)),
            ("gXYZ", Xyz(0.29197, 0.69225, 0.04189)),
            ("bXYZ", Xyz(0.15715, 0.06657, 0.78407)),
            ("rTRC", SrgbCurve()),
            ("gTRC", SrgbCurve()),
            ("bTRC", SrgbCurve()),
        ];
        var header = new byte[128];
        var table = new List<byte>(U32(tags.Length));
        var data = new List<byte>();
        var offset = 128 + 4 + tags.Length * 12;
        foreach (var (tag, bytes) in tags)
        {
            table.AddRange([.. Encoding.ASCII.GetBytes(tag), .. U32(offset + data.Count), .. U32(bytes.Length)]);
            data.AddRange(bytes);
            while (data.Count % 4 != 0)
                data.Add(0);
        }
        var size = 128 + table.Count + data.Count;
        U32(size).CopyTo(header, 0);
        header[8] = 2; // version 2.1
        header[9] = 0x10;
        "mntrRGB XYZ "u8.CopyTo(header.AsSpan(12));
        "acsp"u8.CopyTo(header.AsSpan(36));
        Xyz(0.9642, 1.0, 0.8249).AsSpan(8).CopyTo(header.AsSpan(68)); // D50 illuminant
        return [.. header, .. table, .. data];

        static byte[] U32(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
        static byte[] S15Fixed16(double v) => U32((int)Math.Round(v * 65536));
        static byte[] Xyz(double x, double y, double z) => [.. "XYZ "u8, 0, 0, 0, 0, .. S15Fixed16(x), .. S15Fixed16(y), .. S15Fixed16(z)];
        static byte[] SrgbCurve() =>
            [.. "para"u8, 0, 0, 0, 0, 0, 3, 0, 0, .. S15Fixed16(2.4), .. S15Fixed16(1 / 1.055), .. S15Fixed16(0.055 / 1.055),
             .. S15Fixed16(1 / 12.92), .. S15Fixed16(0.04045)];
        static byte[] Desc(string text) =>
            [.. "desc"u8, 0, 0, 0, 0, .. U32(text.Length + 1), .. Encoding.ASCII.GetBytes(text), 0, .. new byte[4 + 4 + 2 + 1 + 67]];
    }

    /// <summary>Display P3 to sRGB by the book (both with the sRGB curve, D65), clipped to the sRGB gamut.</summary>
    public static (int R, int G, int B) DisplayP3ToSrgb(int r, int g, int b)
    {
        double[,] m =
        {
            { 1.2249401, -0.2249404, 0.0 },
            { -0.0420569, 1.0420571, 0.0 },
            { -0.0196376, -0.0786361, 1.0982735 },
        };
        double[] linear = [Linear(r), Linear(g), Linear(b)];
        int Channel(int i) => Encode(m[i, 0] * linear[0] + m[i, 1] * linear[1] + m[i, 2] * linear[2]);
        return (Channel(0), Channel(1), Channel(2));

        static double Linear(int v) => v / 255.0 <= 0.04045 ? v / 255.0 / 12.92 : Math.Pow((v / 255.0 + 0.055) / 1.055, 2.4);
        static int Encode(double v)
        {
            v = Math.Clamp(v, 0, 1);
            return (int)Math.Round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * Math.Pow(v, 1 / 2.4) - 0.055));
        }
    }

    /// <summary>What a JPEG's headers say: baseline or not, the components' sampling factors, the luma quantisation table.</summary>
    public sealed record JpegHeader(bool Baseline, bool Progressive, int Width, int Height, byte[] SamplingFactors, int[] LumaTable);

    public static JpegHeader ReadHeader(ReadOnlyMemory<byte> jpeg)
    {
        var data = jpeg.Span;
        Assert.True(data[0] == 0xFF && data[1] == 0xD8, "no JPEG SOI marker");
        bool? baseline = null;
        var progressive = false;
        var (width, height) = (0, 0);
        byte[] sampling = [];
        int[]? luma = null;
        for (var at = 2; at + 4 <= data.Length && data[at] == 0xFF;)
        {
            var marker = data[at + 1];
            var length = data[at + 2] << 8 | data[at + 3];
            var segment = data.Slice(at + 4, length - 2);
            if (marker == 0xDB)
            {
                for (var t = 0; t < segment.Length; t += 65)
                {
                    if ((segment[t] & 0x0F) == 0 && (segment[t] >> 4) == 0)
                        luma = [.. segment.Slice(t + 1, 64).ToArray().Select(v => (int)v)];
                }
            }
            else if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                baseline = marker == 0xC0;
                progressive = marker == 0xC2;
                height = segment[1] << 8 | segment[2];
                width = segment[3] << 8 | segment[4];
                sampling = new byte[segment[5]];
                for (var c = 0; c < sampling.Length; c++)
                    sampling[c] = segment[6 + c * 3 + 1];
            }
            if (marker == 0xDA)
                break;
            at += 2 + length;
        }
        return new JpegHeader(baseline ?? false, progressive, width, height, sampling, luma ?? []);
    }

    /// <summary>libjpeg's luminance table for a quality (jcparam.c: the Annex K table scaled), in zigzag order.</summary>
    public static int[] LibjpegLumaTable(int quality)
    {
        int[] annexK =
        [
            16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
            14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
        ];
        int[] zigzag =
        [
            0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
            28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
            54, 47, 55, 62, 63,
        ];
        var scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
        return [.. zigzag.Select(i => Math.Clamp((annexK[i] * scale + 50) / 100, 1, 255))];
    }
}
