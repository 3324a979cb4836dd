using System.Net;
using System.Text.Json;
using AotBot.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.Instagram;

/// <summary>
/// Instagram posts, reels and IGTV through a downloader API: <c>GET &lt;base&gt;/convert?url=&lt;link&gt;</c> with
/// <c>x-rapidapi-key</c>/<c>x-rapidapi-host</c>, answering <c>{"media":[{"type","url","thumbnail","quality"}]}</c>.
/// Off (links answered "not configured") until <c>Instagram:ApiKey</c> and <c>Instagram:ApiBaseUrl</c> are set.
/// </summary>
internal sealed class InstagramSource(IWebClient web, IOptions<InstagramOptions> options, ILogger<InstagramSource> logger) : IMediaSource
{
    public const string SourceName = "instagram";

    public string Name => SourceName;

    // Matched even when the source is off, so those links get a "not configured" answer rather than silence.
    public bool IsMatch(Uri url) => InstagramShortcode.TryParse(url) is not null;

    public async Task<MediaPost> ExtractAsync(Uri url, CancellationToken cancellationToken)
    {
        var shortcode = InstagramShortcode.TryParse(url) ?? throw new UnsupportedLinkException("Not an Instagram post link.");
        var settings = options.Value;
        if (!settings.IsConfigured) throw new SourceNotConfiguredException(SourceName);

        var baseUrl = new Uri(settings.ApiBaseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        var apiUrl = new Uri(baseUrl, "convert?url=" + Uri.EscapeDataString(shortcode.Url.AbsoluteUri));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Accept"] = "application/json",
            ["x-rapidapi-key"] = settings.ApiKey,
            ["x-rapidapi-host"] = string.IsNullOrWhiteSpace(settings.ApiHost) ? baseUrl.Authority : settings.ApiHost,
        };

        WebPage answer;
        try
        {
            answer = await web.GetPageAsync(apiUrl, new DownloadContext(new CookieContainer(), headers, Proxy: null) { OperatorEndpoint = true }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (HttpFetchException error)
        {
            logger.InstagramFailed(shortcode.Value, error.StatusCode ?? 0);
            throw ToTypedError(shortcode, error.StatusCode, error.Failure, error);
        }
        if (answer.StatusCode is < 200 or >= 300)
        {
            logger.InstagramFailed(shortcode.Value, answer.StatusCode);
            throw ToTypedError(shortcode, answer.StatusCode, failure: null, inner: null);
        }

        var post = ToPost(shortcode, answer.Body);
        logger.InstagramExtracted(shortcode.Value, post is Video ? "video" : "slideshow", post is Slideshow s ? s.Images.Count : 1);
        return post;
    }

    private static AotBotException ToTypedError(InstagramShortcode shortcode, int? status, HttpFailure? failure, Exception? inner) =>
        (status, failure) switch
        {
            (404, _) or (_, HttpFailure.NotFound) => new InstagramNotFoundException($"Instagram post {shortcode} was not found."),
            (429, _) or (_, HttpFailure.RateLimited) => new RateLimitedException("The Instagram API is rate limiting us.", inner),
            _ => new NetworkException($"The Instagram API failed ({status?.ToString() ?? failure?.ToString()}).", inner),
        };

    private MediaPost ToPost(InstagramShortcode shortcode, string body)
    {
        JsonElement root;
        try
        {
            root = JsonElement.Parse(body);
        }
        catch (JsonException)
        {
            throw new MediaExtractionException($"The Instagram API answered no JSON for post {shortcode}.");
        }

        var images = new List<MediaFile>();
        var videos = new List<(Uri Url, Uri? Thumbnail)>();
        foreach (var media in root.Items("media"))
        {
            if (!LinkFinder.TryCreateHttpUrl(media.Text("url"), out var fileUrl)) continue;
            LinkFinder.TryCreateHttpUrl(media.Text("thumbnail"), out var thumbnail);
            if (string.Equals(media.Text("type"), "video", StringComparison.OrdinalIgnoreCase)) videos.Add((fileUrl, thumbnail));
            else images.Add(new MediaFile([fileUrl]));
        }

        if (images.Count == 0 && videos.Count == 0)
            throw new InstagramNotFoundException($"The Instagram API found no media in post {shortcode}.");

        if (images.Count == 0)
        {
            // A reel (the API may list the same video at several qualities: the first is taken).
            var (url, thumbnail) = videos[0];
            return new Video
            {
                Source = SourceName,
                PostId = shortcode.Value,
                Link = shortcode.Url,
                Download = DownloadContext.Plain(),
                File = new MediaFile([url]),
                Cover = thumbnail is null ? null : new MediaFile([thumbnail]),
            };
        }

        // A carousel goes the slideshow path; its video items cannot join a photo group and are left out.
        if (videos.Count > 0) logger.InstagramVideosSkipped(shortcode.Value, videos.Count);
        return new Slideshow
        {
            Source = SourceName,
            PostId = shortcode.Value,
            Link = shortcode.Url,
            Download = DownloadContext.Plain(),
            Images = images,
        };
    }
}
