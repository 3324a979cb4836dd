using AotBot.Tests.Smoke;
using static AotBot.Tests.Imaging.ImagingFixtures;

namespace AotBot.Tests.Imaging;

/// <summary>`aotbot convert` in the trimmed Native AOT binary, with libheif, dav1d and libjpeg-turbo linked in statically.</summary>
public sealed class PublishedConvertSpecs : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("aotbot-published-convert-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [PublishedBinaryFact]
    public async Task The_published_binary_converts_heic_and_avif_with_no_shared_codec_library_beside_it()
    {
        // Act
        var result = await PublishedBinary.RunAsync(
            ["convert", Path("quadrants-10bit.heic"), Path("quadrants.avif"), Path("alpha.heic"), "-o", _output]);

        // Assert
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.StartsWith("3 converted, 0 failed", result.Stdout.Trim().Split('\n')[^1]);
        using (var avif = Decode(await File.ReadAllBytesAsync(System.IO.Path.Combine(_output, "quadrants.jpg"))))
        {
            AssertColor(avif, 12, 8, Red);
            AssertColor(avif, 84, 56, White);
        }
        using (var alpha = Decode(await File.ReadAllBytesAsync(System.IO.Path.Combine(_output, "alpha.jpg"))))
            AssertColor(alpha, 48, 16, White);
        using (var deep = Decode(await File.ReadAllBytesAsync(System.IO.Path.Combine(_output, "quadrants-10bit.jpg"))))
            AssertColor(deep, 12, 56, Blue);
        var shipped = Directory.GetFiles(PublishedBinary.Directory!).Select(System.IO.Path.GetFileName);
        Assert.DoesNotContain(shipped, f => f!.Contains("heif") || f.Contains("jpeg") || f.Contains("dav1d") || f.Contains("de265"));
    }
}
