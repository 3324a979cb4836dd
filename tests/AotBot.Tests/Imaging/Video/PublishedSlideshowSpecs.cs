using AotBot.Tests.Smoke;
using SkiaSharp;

namespace AotBot.Tests.Imaging.Video;

/// <summary>`aotbot slideshow` in the trimmed Native AOT binary, with openh264 linked in statically.</summary>
public sealed class PublishedSlideshowSpecs : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aotbot-published-slideshow-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [PublishedBinaryFact]
    public Task The_published_binary_makes_a_slideshow_video_with_its_music() =>
        MakesASlideshowVideo(args => PublishedBinary.RunAsync(args), PublishedBinary.Directory!);

    // openh264's arm64 build (NEON, cross-compiled) is code no x64 run touches.
    [Arm64Fact]
    public Task The_arm64_binary_makes_the_same_slideshow_video_under_qemu() =>
        MakesASlideshowVideo(args => Arm64Specs.RunAsync(args), Arm64Specs.Directory!);

    private async Task MakesASlideshowVideo(Func<string[], Task<PublishedBinary.Result>> run, string shippedDirectory)
    {
        // Arrange: a HEIC and a JPEG, and 600 MP3 frames (15.7 s)
        var jpeg = Path.Combine(_directory, "red.jpg");
        await File.WriteAllBytesAsync(jpeg, SlideshowComposerSpecs.Image(120, 160, SKColors.Red));
        var frames = FakeMusic.Frames(600, FakeMusic.Mpeg1Header, 417);
        var music = Path.Combine(_directory, "music.mp3");
        await File.WriteAllBytesAsync(music, FakeMusic.Mp3(frames));
        var output = Path.Combine(_directory, "slideshow.mp4");

        // Act
        var result = await run(["slideshow", ImagingFixtures.Path("quadrants.heic"), jpeg, "--music", music, "-o", output]);

        // Assert
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.StartsWith($"{output}: 2 of 2 images, 120x160, 6.00 s, music yes", result.Stdout.Trim());
        var mp4 = await File.ReadAllBytesAsync(output);
        var boxes = Mp4Box.Parse(mp4);
        Assert.Equal(["ftyp", "moov", "mdat"], boxes.Select(b => b.Type));
        Assert.Equal(6000u, boxes[1].Child("mvhd").U32(16));
        var tracks = boxes[1].Children.Where(c => c.Type == "trak").ToList();
        Assert.Equal(2, tracks.Count);
        Assert.Equal(frames.Take(229), tracks[1].Samples());
        var shipped = Directory.GetFiles(shippedDirectory).Select(Path.GetFileName);
        Assert.DoesNotContain(shipped, f => f!.Contains("openh264") || f.Contains("aotbotvideo"));
    }
}
