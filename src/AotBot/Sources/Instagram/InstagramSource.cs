using System.Net;
using System.Text.Json;
using AotBot.Core;
using AotBot.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.Instagram;

/// <summary>One path tried for one post and how it ended (<c>app_api</c>/<c>embed</c>/<c>graphql</c>/<c>rapidapi</c>, <c>ok</c>/<c>login_redirect</c>/…).</summary>
public sealed record InstagramAttempt(string Path, string Outcome);

/// <summary>
/// Instagram posts, reels and IGTV. Public posts are read without a key the way maintained downloaders read them
/// (<see cref="InstagramKeyless"/>: app API, embed page, GraphQL, in that order, until one yields the media); then,
/// when <c>Instagram:ApiKey</c> is set, a downloader API: <c>GET &lt;base&gt;/convert?url=&lt;link&gt;</c> with
/// <c>x-rapidapi-key</c>/<c>x-rapidapi-host</c>, answering <c>{"media":[{"type","url","thumbnail","quality"}]}</c>.
/// </summary>
internal sealed class InstagramSource(
    IWebClient web,
    InstagramKeyless keyless,
    IOptions<InstagramOptions> options,
    BotMetrics metrics,
    ILogger<InstagramSource> logger) : IMediaSource
{
    public const string SourceName = "instagram";
    public const string RapidApiPath = "rapidapi";
    private const int MaxShareHops = 5;

    public string Name => SourceName;

    // Matched even when the source is off, so those links get a "not configured" answer rather than silence.
    public bool IsMatch(Uri url) => InstagramShortcode.TryParse(url) is not null || InstagramShortcode.IsShareLink(url);

    public Task<MediaPost> ExtractAsync(Uri url, CancellationToken cancellationToken) => ExtractAsync(url, report: null, cancellationToken);

    /// <summary>For <c>aotbot extract</c>: each path tried becomes a step of <paramref name="trace"/> (<c>embed:ok</c>).</summary>
    public Task<MediaPost> ExtractAsync(Uri url, ExtractionTrace trace, CancellationToken cancellationToken) =>
        ExtractAsync(url, attempt => trace.Add(attempt.Path, attempt.Outcome), cancellationToken);

    /// <summary>Extracts the post, telling <paramref name="report"/> each path tried and how it ended.</summary>
    public async Task<MediaPost> ExtractAsync(Uri url, Action<InstagramAttempt>? report, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Keyless && !settings.IsConfigured) throw new SourceNotConfiguredException(SourceName);
        var shortcode = InstagramShortcode.TryParse(url) ?? await ResolveShareLinkAsync(url, cancellationToken).ConfigureAwait(false);

        var failures = new List<(string Path, InstagramOutcome Outcome)>();
        if (settings.Keyless)
        {
            // One cookie jar for the job: the csrftoken a page sets is what GraphQL must send back.
            var cookies = new CookieContainer();
            foreach (var (path, read) in keyless.Paths)
            {
                var answer = await read(shortcode, cookies, cancellationToken).ConfigureAwait(false);
                Record(report, path, answer.Outcome);
                if (answer.Post is { } data) return Served(shortcode, path, ToPost(shortcode, data));
                logger.PathFailed(shortcode.Value, path, Label(answer.Outcome));
                failures.Add((path, answer.Outcome));
            }
        }
        if (settings.IsConfigured) return await ReadApiAsync(shortcode, settings, report, cancellationToken).ConfigureAwait(false);
        throw DeadEnd(shortcode, failures);
    }

    /// <summary>Why no keyless path served the post: private or gone where a path said so, else the anonymous limit.</summary>
    private static AotBotException DeadEnd(InstagramShortcode shortcode, List<(string Path, InstagramOutcome Outcome)> failures)
    {
        string Paths(params InstagramOutcome[] outcomes) =>
            string.Join(", ", failures.Where(f => outcomes.Contains(f.Outcome)).Select(f => f.Path));
        if (failures.Any(f => f.Outcome == InstagramOutcome.Private))
            return new MediaPrivateException($"Instagram post {shortcode} is private or age-restricted ({Paths(InstagramOutcome.Private)}).");
        if (failures.Any(f => f.Outcome == InstagramOutcome.NotFound))
            return new InstagramNotFoundException($"Instagram post {shortcode} was not found ({Paths(InstagramOutcome.NotFound)}).");
        if (failures.Any(f => f.Outcome is InstagramOutcome.LoginRedirect or InstagramOutcome.RateLimited))
            return new RateLimitedException($"Instagram refused anonymous requests for post {shortcode} ({Paths(InstagramOutcome.LoginRedirect, InstagramOutcome.RateLimited)}).");
        if (failures.Any(f => f.Outcome == InstagramOutcome.Network))
            return new NetworkException($"Instagram could not be reached for post {shortcode} ({Paths(InstagramOutcome.Network)}).");
        return new MediaExtractionException($"No path found the media of Instagram post {shortcode}.");
    }

    private MediaPost Served(InstagramShortcode shortcode, string path, MediaPost post)
    {
        logger.PathServed(shortcode.Value, path, post is Video ? "video" : "slideshow", post is Slideshow s ? s.Images.Count : 1);
        return post;
    }

    private void Record(Action<InstagramAttempt>? report, string path, InstagramOutcome outcome)
    {
        var label = Label(outcome);
        metrics.InstagramRequest(path, label);
        report?.Invoke(new InstagramAttempt(path, label));
    }

    internal static string Label(InstagramOutcome outcome) => outcome switch
    {
        InstagramOutcome.Ok => "ok",
        InstagramOutcome.LoginRedirect => "login_redirect",
        InstagramOutcome.NotFound => "not_found",
        InstagramOutcome.Private => "private",
        InstagramOutcome.NoMedia => "no_media",
        InstagramOutcome.RateLimited => "rate_limited",
        _ => "network",
    };

    /// <summary>
    /// Follows a <c>/share/</c> link hop by hop (a curl-like User-Agent gets the redirect, a browser an HTML page) to
    /// the post link; every hop must stay on an Instagram host.
    /// </summary>
    private async Task<InstagramShortcode> ResolveShareLinkAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!InstagramShortcode.IsShareLink(url)) throw new UnsupportedLinkException("Not an Instagram post link.");
        var context = new DownloadContext(new CookieContainer(),
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["User-Agent"] = "curl/8.5.0", ["Accept"] = "*/*" }, Proxy: null);
        var current = url;
        for (var hop = 1; hop <= MaxShareHops; hop++)
        {
            WebHop answer;
            try
            {
                answer = await web.GetHopAsync(current, context, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpFetchException error)
            {
                throw error.Failure switch
                {
                    HttpFailure.NotFound => new InstagramNotFoundException($"The Instagram share link {Redaction.RedactUrl(url)} leads nowhere."),
                    HttpFailure.RateLimited or HttpFailure.Forbidden => new RateLimitedException("Instagram refused the share link.", error),
                    _ => new NetworkException("Instagram could not be reached for the share link.", error),
                };
            }
            if (answer.Location is not { } next)
                throw new UnsupportedLinkException($"The Instagram share link {Redaction.RedactUrl(url)} leads to no post.");
            if (!InstagramShortcode.IsInstagramHost(next))
                throw new UnsupportedLinkException($"The Instagram share link {Redaction.RedactUrl(url)} leads off Instagram.");
            if (InstagramShortcode.TryParse(next) is { } shortcode)
            {
                logger.ShareLinkResolved(Redaction.RedactUrl(url), shortcode.Value);
                return shortcode;
            }
            if (InstagramKeyless.IsLoginRedirect(next))
            {
                // The login page's ?next= is where the visitor was going; when that is a post, the keyless paths (or
                // the API) can still read it, so the wall does not end the job here.
                if (PostAfterLogin(next) is { } behind)
                {
                    logger.ShareLinkResolved(Redaction.RedactUrl(url), behind.Value);
                    return behind;
                }
                throw new RateLimitedException($"Instagram sent the share link {Redaction.RedactUrl(url)} to its login page.");
            }
            current = next;
        }
        throw new UnsupportedLinkException($"The Instagram share link {Redaction.RedactUrl(url)} redirects more than {MaxShareHops} times.");
    }

    /// <summary>The post a login redirect's <c>next</c> names, if it is an Instagram post path (never another host).</summary>
    internal static InstagramShortcode? PostAfterLogin(Uri login)
    {
        if (UrlQuery.Value(login, "next") is not { } path || !path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
            return null;
        return InstagramShortcode.TryParse(new Uri(new Uri("https://www.instagram.com"), path));
    }

    /// <summary>A reel is a <see cref="Video"/>; a photo or an album a <see cref="Slideshow"/> whose videos stay in their places.</summary>
    private static MediaPost ToPost(InstagramShortcode shortcode, InstagramPostData data)
    {
        var author = data.Username is null ? null : new Author(data.Username, data.FullName);
        if (data.Items is [{ IsVideo: true } video])
        {
            return new Video
            {
                Source = SourceName,
                PostId = shortcode.Value,
                Link = shortcode.Url,
                Author = author,
                Description = data.Caption,
                Download = DownloadContext.Plain(),
                File = new MediaFile([video.Url], video.Width, video.Height),
                Width = video.Width ?? 0,
                Height = video.Height ?? 0,
                Duration = video.DurationSeconds is > 0 and < 86_400 ? TimeSpan.FromSeconds(video.DurationSeconds.Value) : TimeSpan.Zero,
                Cover = video.Cover is null ? null : new MediaFile([video.Cover]),
            };
        }
        return new Slideshow
        {
            Source = SourceName,
            PostId = shortcode.Value,
            Link = shortcode.Url,
            Author = author,
            Description = data.Caption,
            Download = DownloadContext.Plain(),
            Images = [.. data.Items.Select(item => new MediaFile([item.Url], item.Width, item.Height, item.IsVideo))],
        };
    }

    private async Task<MediaPost> ReadApiAsync(InstagramShortcode shortcode, InstagramOptions settings, Action<InstagramAttempt>? report,
        CancellationToken cancellationToken)
    {
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
            Record(report, RapidApiPath, error.Failure switch
            {
                HttpFailure.NotFound => InstagramOutcome.NotFound,
                HttpFailure.RateLimited => InstagramOutcome.RateLimited,
                _ => InstagramOutcome.Network,
            });
            throw ToTypedError(shortcode, error.StatusCode, error.Failure, error);
        }
        if (answer.StatusCode is < 200 or >= 300)
        {
            logger.InstagramFailed(shortcode.Value, answer.StatusCode);
            Record(report, RapidApiPath, InstagramOutcome.Network);
            throw ToTypedError(shortcode, answer.StatusCode, failure: null, inner: null);
        }

        var data = ReadApiMedia(shortcode, answer.Body);
        Record(report, RapidApiPath, data is null ? InstagramOutcome.NoMedia : InstagramOutcome.Ok);
        if (data is null) throw new InstagramNotFoundException($"The Instagram API found no media in post {shortcode}.");
        return Served(shortcode, RapidApiPath, ToPost(shortcode, data));
    }

    private static AotBotException ToTypedError(InstagramShortcode shortcode, int? status, HttpFailure? failure, Exception? inner) =>
        (status, failure) switch
        {
            (404, _) or (_, HttpFailure.NotFound) => new InstagramNotFoundException($"Instagram post {shortcode} was not found."),
            (429, _) or (_, HttpFailure.RateLimited) => new RateLimitedException("The Instagram API is rate limiting us.", inner),
            _ => new NetworkException($"The Instagram API failed ({status?.ToString() ?? failure?.ToString()}).", inner),
        };

    /// <summary>The API's <c>media</c> list in order; a reel may be listed at several qualities (the first is taken).</summary>
    private static InstagramPostData? ReadApiMedia(InstagramShortcode shortcode, string body)
    {
        var root = InstagramJson.Parse(body);
        if (!root.Exists()) throw new MediaExtractionException($"The Instagram API answered no JSON for post {shortcode}.");

        var items = new List<InstagramItem>();
        foreach (var media in root.Items("media"))
        {
            if (!LinkFinder.TryCreateHttpUrl(media.Text("url"), out var fileUrl)) continue;
            LinkFinder.TryCreateHttpUrl(media.Text("thumbnail"), out var thumbnail);
            var isVideo = string.Equals(media.Text("type"), "video", StringComparison.OrdinalIgnoreCase);
            items.Add(new InstagramItem(isVideo, fileUrl, null, null, null, isVideo ? thumbnail : null));
        }
        if (items.Count == 0) return null;
        if (items.All(item => item.IsVideo)) items = [items[0]];
        return new InstagramPostData(items, null, null, null);
    }
}
