using System.Diagnostics;
using System.Text;
using AotBot.Imaging;
using AotBot.Imaging.Video;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace AotBot.Tests.Imaging.Video;

/// <summary>Slideshows into one video: openh264 through native/video/aotbot_video.c, our muxer, the music copied.</summary>
public sealed class SlideshowComposerSpecs
{
    internal static byte[] Image(int width, int height, SKColor colour, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(colour);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    internal static async Task<SlideshowVideo> ComposeAsync(IReadOnlyList<byte[]> images, byte[]? music, double secondsPerImage = 3)
    {
        await using var converter = ImagingFixtures.Converter();
        var composer = new SlideshowComposer(converter, Options.Create(new SlideshowOptions { SecondsPerImage = secondsPerImage }),
            Options.Create(new ImagingOptions()), NullLogger<SlideshowComposer>.Instance, TimeProvider.System);
        return await composer.ComposeAsync([.. images.Select(i => (ReadOnlyMemory<byte>)i)], music, CancellationToken.None);
    }

    private static Mp4Box Trak(byte[] mp4, string handler) =>
        Mp4Box.Parse(mp4).Single(b => b.Type == "moov").Children.Where(c => c.Type == "trak")
            .Single(t => Encoding.ASCII.GetString(t.Child("mdia/hdlr").Payload.Slice(8, 4)) == handler);

    [Fact]
    public void The_encoder_starts_each_image_with_an_idr_frame_and_repeats_it_almost_for_free()
    {
        var frame = new I420Frame(320, 240);
        using (var bitmap = new SKBitmap(new SKImageInfo(320, 240, SKColorType.Rgba8888, SKAlphaType.Premul)))
        {
            using (var canvas = new SKCanvas(bitmap))
            {
                using var paint = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(320, 240),
                    [SKColors.Red, SKColors.Blue], SKShaderTileMode.Clamp) };
                canvas.DrawRect(0, 0, 320, 240, paint);
            }
            frame.FromRgba(bitmap.GetPixelSpan(), bitmap.RowBytes);
        }
        using var encoder = H264Encoder.Create(320, 240, 2, 500_000);

        var first = encoder.Encode(frame, 0, forceIdr: true);
        var repeat = encoder.Encode(frame, 500, forceIdr: false);
        var next = encoder.Encode(frame, 1000, forceIdr: true);

        Assert.NotNull(first);
        Assert.True(first.Value.IsIdr);
        var types = VideoTrackBuilder.SplitAnnexB(first.Value.AnnexB).Select(n => n.Span[0] & 0x1F).ToList();
        Assert.Contains(7, types); // SPS
        Assert.Contains(8, types); // PPS
        Assert.Contains(5, types); // IDR slice
        Assert.NotNull(repeat);
        Assert.False(repeat.Value.IsIdr);
        Assert.True(repeat.Value.AnnexB.Length * 10 < first.Value.AnnexB.Length,
            $"a repeated frame took {repeat.Value.AnnexB.Length} bytes, the IDR {first.Value.AnnexB.Length}");
        Assert.True(next!.Value.IsIdr);
    }

    [Fact]
    public async Task Three_images_and_music_make_a_nine_second_video_in_the_largest_images_shape_with_the_music_copied()
    {
        byte[][] images =
        [
            Image(120, 160, SKColors.Red),
            ImagingFixtures.Bytes("quadrants.heic"), // 96x64
            Image(60, 80, SKColors.Blue, SKEncodedImageFormat.Png),
        ];
        var frames = FakeMusic.Frames(600, FakeMusic.Mpeg1Header, 417); // 15.7 s
        var music = FakeMusic.Mp3(frames);

        var video = await ComposeAsync(images, music);

        Assert.Equal((120, 160), (video.Width, video.Height));
        Assert.Equal(3, video.Images);
        Assert.True(video.HasMusic);
        Assert.Equal(TimeSpan.FromSeconds(9), video.Duration);
        var boxes = Mp4Box.Parse(video.Mp4);
        Assert.Equal(["ftyp", "moov", "mdat"], boxes.Select(b => b.Type));
        var picture = Trak(video.Mp4, "vide");
        Assert.Equal(810_000u, picture.Child("mdia/mdhd").U32(16)); // 9 s at 90 kHz
        Assert.Equal(18, picture.Samples().Count); // 2 frames a second
        var stss = picture.Child("mdia/minf/stbl/stss");
        Assert.Equal([1u, 7u, 13u], Enumerable.Range(0, (int)stss.U32(4)).Select(i => stss.U32(8 + i * 4)));
        var sound = Trak(video.Mp4, "soun");
        // The music's frames that end by 9 s: 344 × 1152 ≤ 9 × 44100 < 345 × 1152.
        Assert.Equal(frames.Take(344), sound.Samples());
    }

    [Theory]
    [InlineData(9.0, 4, 2.25)] // the music ends first: the images share it
    [InlineData(6.0, 4, 1.5)]
    [InlineData(2.0, 4, 1.5)] // never under 1.5 s an image: the video outlasts the music
    [InlineData(60.0, 4, 3.0)]
    [InlineData(null, 4, 3.0)]
    public void Images_are_shown_for_less_when_the_music_is_shorter(double? music, int images, double expected)
    {
        Assert.Equal(expected, SlideshowComposer.SecondsPerImage(3, images, music));
    }

    [Theory]
    [InlineData(1080, 1440, 1080, 1440)]
    [InlineData(4032, 3024, 1440, 1080)]
    [InlineData(3024, 4032, 1080, 1440)]
    [InlineData(1081, 1921, 1080, 1918)]
    [InlineData(1000, 10_000, 192, 1920)]
    [InlineData(101, 57, 100, 56)]
    public void The_canvas_keeps_the_aspect_within_1080_by_1920_with_even_sides(int width, int height, int canvasWidth, int canvasHeight)
    {
        Assert.Equal((canvasWidth, canvasHeight), SlideshowComposer.Canvas(width, height));
    }

    [Fact]
    public async Task A_short_song_shortens_the_images_and_the_video_ends_with_it()
    {
        var frames = FakeMusic.Frames(230, FakeMusic.Mpeg1Header, 417); // 6.0 s

        var video = await ComposeAsync([Image(64, 64, SKColors.Red), Image(64, 64, SKColors.Green), Image(64, 64, SKColors.Blue)],
            FakeMusic.Mp3(frames));

        Assert.InRange(video.Duration.TotalSeconds, 230 * 1152 / 44100.0 - 0.01, 230 * 1152 / 44100.0 + 0.01);
        Assert.Equal(frames, Trak(video.Mp4, "soun").Samples());
    }

    [Fact]
    public async Task An_unreadable_image_is_left_out_and_without_music_there_is_no_sound_track()
    {
        var video = await ComposeAsync([Image(64, 64, SKColors.Red), "not an image at all"u8.ToArray(),
            [.. Image(64, 64, SKColors.Green).Take(30)], Image(64, 48, SKColors.Blue)], music: null);

        Assert.Equal(2, video.Images);
        Assert.Equal(TimeSpan.FromSeconds(6), video.Duration);
        Assert.False(video.HasMusic);
        Assert.Single(Mp4Box.Parse(video.Mp4)[1].Children, c => c.Type == "trak");
    }

    [Fact]
    public async Task Music_that_is_not_audio_gives_a_silent_video()
    {
        var video = await ComposeAsync([Image(64, 64, SKColors.Red)], "<html>403</html>"u8.ToArray());

        Assert.False(video.HasMusic);
        Assert.Equal(TimeSpan.FromSeconds(3), video.Duration);
    }

    [Fact]
    public async Task When_no_image_can_be_read_it_says_so()
    {
        await Assert.ThrowsAsync<SlideshowUnreadableException>(() =>
            ComposeAsync(["garbage"u8.ToArray(), [.. ImagingFixtures.Bytes("quadrants.heic").Take(100)]], null));
    }

    [FfprobeFact]
    public async Task Ffprobe_sees_an_h264_video_and_an_mp3_track_of_the_right_length_and_ffmpeg_decodes_every_frame()
    {
        var video = await ComposeAsync([Image(120, 160, SKColors.Red), Image(120, 160, SKColors.Green)],
            FakeMusic.Mp3(FakeMusic.Frames(600, FakeMusic.Mpeg1Header, 417)));
        var path = Path.Combine(Path.GetTempPath(), $"aotbot-slideshow-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, video.Mp4);
        try
        {
            var probe = Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height,duration,nb_frames",
                "-of", "compact=p=0", path);
            Assert.Contains("codec_name=h264|codec_type=video|width=120|height=160", probe.Output);
            Assert.Contains("duration=6.000000|nb_frames=12", probe.Output);
            Assert.Contains("codec_name=mp3|codec_type=audio", probe.Output);
            Assert.Equal("", probe.Errors);
            // Every picture decodes, and the first one is red (BT.709 as the SPS says).
            var decode = Run("ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
            Assert.Equal("", decode.Errors);
            Assert.Equal(120 * 160 * 3, decode.Bytes.Length);
            var middle = (80 * 120 + 60) * 3;
            Assert.InRange(decode.Bytes[middle], 235, 255);
            Assert.InRange(decode.Bytes[middle + 1], 0, 20);
            Assert.InRange(decode.Bytes[middle + 2], 0, 20);
            Assert.Equal("", Run("ffmpeg", "-v", "error", "-i", path, "-map", "0:v", "-f", "null", "-").Errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [FfprobeFact]
    public async Task Real_aac_and_mp3_music_made_by_ffmpeg_is_copied_so_that_ffmpeg_decodes_both_tracks_without_an_error()
    {
        var directory = Directory.CreateTempSubdirectory("aotbot-slideshow-music-");
        try
        {
            foreach (var (name, codec) in new[] { ("music.m4a", "aac"), ("music.mp3", "libmp3lame") })
            {
                var music = Path.Combine(directory.FullName, name);
                Assert.Equal("", Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=8", "-c:a", codec, music).Errors);
                var video = await ComposeAsync([Image(64, 64, SKColors.Red), Image(64, 64, SKColors.Blue)], await File.ReadAllBytesAsync(music));
                var path = Path.Combine(directory.FullName, name + ".mp4");
                await File.WriteAllBytesAsync(path, video.Mp4);

                var probe = Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", path);
                Assert.Equal(["h264", codec == "aac" ? "aac" : "mp3"], probe.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.Equal("", Run("ffmpeg", "-v", "error", "-i", path, "-f", "null", "-").Errors);
                Assert.InRange(video.Duration.TotalSeconds, 6, 8.1); // the music (8 s, with the encoder's padding) sets the length
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static (string Output, string Errors, byte[] Bytes) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return (Encoding.UTF8.GetString(output.ToArray()), errors.Result.Trim(), output.ToArray());
    }
}

/// <summary>Runs where Debian's ffmpeg is installed (./build.sh test installs it).</summary>
public sealed class FfprobeFactAttribute : FactAttribute
{
    public FfprobeFactAttribute()
    {
        if (!File.Exists("/usr/bin/ffprobe")) Skip = "ffprobe is not installed (apt-get install ffmpeg; ./build.sh test does)";
    }
}
