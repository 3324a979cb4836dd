using System.Text.Json;
using System.Text.Json.Serialization;
using AotBot.Core;
using AotBot.Http;
using AotBot.Localization;
using AotBot.Sources.Instagram;
using AotBot.Sources.TikTok;
using AotBot.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Hosting;

/// <summary>
/// <c>aotbot extract &lt;link&gt; [-v] [--Section:Key=value ...]</c>: runs the configured sources on one link and prints,
/// as JSON, what the bot would send and how each attempt ended, without Telegram. Exit 0 when the post was extracted,
/// 1 on a typed failure (its locale key in <c>error_key</c>), 2 on bad settings or usage.
/// </summary>
internal static class ExtractCommand
{
    public const string Usage = "aotbot extract <link> [-v] [--Section:Key=value ...]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var settings = new List<string>();
        string? link = null;
        var verbose = false;
        foreach (var arg in args)
        {
            if (arg is "-v" or "--verbose") verbose = true;
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':')) settings.Add(arg);
            else if (arg.StartsWith('-') || link is not null)
            {
                stderr.WriteLine($"Unexpected argument '{arg}'. Usage: {Usage}");
                return Cli.ExitBadConfiguration;
            }
            else link = arg;
        }
        if (link is null || !LinkFinder.TryCreateHttpUrl(link, out var url))
        {
            stderr.WriteLine($"No http(s) link given. Usage: {Usage}");
            return Cli.ExitBadConfiguration;
        }

        // Logs go to stderr with -v only: stdout is the JSON.
        using var host = AotBotHost.CreateBuilder([.. settings], verbose ? Console.OpenStandardError() : Stream.Null).Build();
        var services = host.Services;
        // Only the settings extraction reads are checked (throwing OptionsValidationException: exit 2); no token needed.
        _ = services.GetRequiredService<IOptions<HttpOptions>>().Value;
        _ = services.GetRequiredService<IOptions<LimitsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<TikTokOptions>>().Value;
        _ = services.GetRequiredService<IOptions<InstagramOptions>>().Value;
        var sources = services.GetRequiredService<MediaSources>();
        var errors = services.GetRequiredService<ErrorMap>();

        var trace = new ExtractionTrace();
        var source = sources.Find(url);
        ExtractReport report;
        try
        {
            var post = await sources.ExtractAsync(url, trace, cancellationToken).ConfigureAwait(false);
            report = Report(link, source, trace, post, error: null, errorKey: null);
        }
        catch (AotBotException error)
        {
            report = Report(link, source, trace, post: null, Redaction.Redact(error.Message), errors.KeyFor(error));
        }
        stdout.WriteLine(JsonSerializer.Serialize(report, ExtractJsonContext.Default.ExtractReport));
        return report.Ok ? Cli.ExitOk : Cli.ExitFailure;
    }

    private static ExtractReport Report(string link, IMediaSource? source, ExtractionTrace trace, MediaPost? post, string? error, string? errorKey)
    {
        var steps = trace.Steps;
        return new ExtractReport(
            Link: link,
            Source: source?.Name,
            Ok: post is not null,
            ErrorKey: errorKey,
            Error: error,
            Post: post is null ? null : Describe(post),
            Path: [.. steps.Select(step => $"{step.Step}:{step.Outcome}")],
            Attempts: [.. steps.Select(step => new ExtractAttempt(step.Step, step.Outcome, step.Detail))]);
    }

    private static ExtractedPost Describe(MediaPost post) => new(
        Kind: post switch { Video => "video", Slideshow => "slideshow", _ => "other" },
        Id: post.PostId,
        Url: post.Link.AbsoluteUri,
        Title: post.Description,
        Author: post.Author?.Username,
        AuthorName: post.Author?.Nickname,
        Video: post is Video video
            ? new ExtractedVideo(
                video.File.Urls[0].AbsoluteUri, video.File.Urls.Count - 1, video.Rendition?.Codec, video.Width, video.Height,
                video.Rendition?.Bytes, video.Rendition?.HasSound, video.Rendition?.Watermarked, video.Duration.TotalSeconds)
            : null,
        Images: post is Slideshow slideshow ? [.. slideshow.Images.Select(image => image.Urls[0].AbsoluteUri)] : null,
        Music: post.Music is { } music ? new ExtractedMusic(music.Title, music.Author, music.File?.Urls[0].AbsoluteUri) : null);
}

/// <summary>What <c>aotbot extract</c> prints; any source fills it (the attempts come from its <see cref="ExtractionTrace"/>).</summary>
internal sealed record ExtractReport(
    string Link, string? Source, bool Ok, string? ErrorKey, string? Error, ExtractedPost? Post,
    IReadOnlyList<string> Path, IReadOnlyList<ExtractAttempt> Attempts);

internal sealed record ExtractAttempt(string Step, string Outcome, string? Detail);

internal sealed record ExtractedPost(
    string Kind, string Id, string Url, string? Title, string? Author, string? AuthorName,
    ExtractedVideo? Video, IReadOnlyList<string>? Images, ExtractedMusic? Music);

/// <param name="Fallbacks">How many more URLs the bot would try after <paramref name="Url"/>.</param>
internal sealed record ExtractedVideo(
    string Url, int Fallbacks, string? Codec, int Width, int Height, long? Bytes, bool? Sound, bool? Watermarked, double DurationSeconds);

internal sealed record ExtractedMusic(string? Title, string? Author, string? Url);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExtractReport))]
internal sealed partial class ExtractJsonContext : JsonSerializerContext;
