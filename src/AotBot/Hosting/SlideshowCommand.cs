using AotBot.Imaging;
using AotBot.Imaging.Video;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Hosting;

/// <summary>
/// <c>aotbot slideshow &lt;images...&gt; [--music FILE] -o OUT.mp4 [--Section:Key=value ...]</c>: the bot's slideshow
/// video as a command, for operators, benchmarks and the smoke test. One line saying what was made.
/// </summary>
internal static class SlideshowCommand
{
    public const string Usage = "aotbot slideshow <images...> [--music FILE] -o OUT.mp4";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var images = new List<string>();
        var settings = new List<string>();
        string? music = null, output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-o" or "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--music" when i + 1 < args.Length:
                    music = args[++i];
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':'):
                    settings.Add(setting);
                    break;
                case var option when option.StartsWith('-'):
                    stderr.WriteLine($"Unknown option '{option}'. Usage: {Usage}");
                    return Cli.ExitBadConfiguration;
                default:
                    images.Add(args[i]);
                    break;
            }
        }
        if (images.Count == 0 || output is null)
        {
            stderr.WriteLine($"{(images.Count == 0 ? "No images given" : "No output file given")}. Usage: {Usage}");
            return Cli.ExitBadConfiguration;
        }

        using var host = AotBotHost.CreateBuilder([.. settings], Stream.Null).Build();
        var composer = host.Services.GetRequiredService<SlideshowComposer>();
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            var bodies = new List<ReadOnlyMemory<byte>>();
            foreach (var image in images)
                bodies.Add(await File.ReadAllBytesAsync(image));
            ReadOnlyMemory<byte>? sound = music is null ? null : await File.ReadAllBytesAsync(music);
            var video = await composer.ComposeAsync(bodies, sound, CancellationToken.None);
            await File.WriteAllBytesAsync(output, video.Mp4);
            var milliseconds = (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
            stdout.WriteLine($"{output}: {video.Images} of {images.Count} images, {video.Width}x{video.Height}, " +
                $"{video.Duration.TotalSeconds:0.00} s, music {(video.HasMusic ? "yes" : "no")}, {video.Mp4.Length} bytes in {milliseconds} ms");
            return Cli.ExitOk;
        }
        catch (Exception ex) when (ex is SlideshowUnreadableException or VideoEncodingException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"No video: {ex.Message}");
            return Cli.ExitFailure;
        }
    }
}
