using System.Collections.Frozen;
using System.Net;
using AotBot.Hosting;
using AotBot.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.TikTok;

/// <summary>
/// TikTok videos and photo posts: resolves short links, reads the post page (retried once, with a fresh context and
/// so the next proxy of the pool), and falls back to the <c>aweme_detail</c> API when the page stays blocked.
/// </summary>
internal sealed class TikTokSource(
    IWebClient web,
    ProxyPool proxies,
    IOptions<TikTokOptions> options,
    IOptions<LimitsOptions> limits,
    ILogger<TikTokSource> logger) : IMediaSource
{
    private const int PageAttempts = 2;

    // The CDN refuses media requests without the page's cookies and a Referer of the page.
    private static readonly FrozenDictionary<string, string> s_browserHeaders = new Dictionary<string, string>
    {
        ["Referer"] = "https://www.tiktok.com/",
        ["Origin"] = "https://www.tiktok.com",
        ["Accept-Language"] = "en-US,en;q=0.9",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public string Name => TikTokMapping.SourceName;

    public bool IsMatch(Uri url) => TikTokPostId.TryParse(url) is not null || TikTokPostId.IsShortLink(url);

    public async Task<MediaPost> ExtractAsync(Uri url, CancellationToken cancellationToken)
    {
        var context = NewContext();
        var (id, firstPage) = TikTokPostId.TryParse(url) is { } direct
            ? (direct, null)
            : await ResolveShortLinkAsync(url, context, cancellationToken).ConfigureAwait(false);
        try
        {
            var (post, failure) = await TryWebPageAsync(id, context, firstPage, cancellationToken).ConfigureAwait(false);
            post ??= await TryFallbackApiAsync(id, cancellationToken).ConfigureAwait(false);
            return post ?? throw (failure is { Failure: HttpFailure.NetworkError }
                ? new NetworkException($"TikTok post {id} could not be fetched.", failure)
                : new RateLimitedException($"TikTok blocked the page of post {id} and no fallback answered.", failure));
        }
        catch (AotBotException error)
        {
            logger.PostRefused(id.Value, error.GetType().Name);
            throw;
        }
    }

    /// <summary>
    /// A job's cookies, browser headers and proxy: the pool's next one (none without <c>Http:Proxy</c>/<c>Http:ProxyFile</c>),
    /// written into the context so the downloads of the post go through the proxy that fetched its page.
    /// </summary>
    private DownloadContext NewContext()
    {
        var context = new DownloadContext(new CookieContainer(), s_browserHeaders, Proxy: null);
        return context with { Proxy = proxies.For(context, attempt: 1) };
    }

    /// <summary>
    /// Follows a short link's redirects (the HTTP layer's loop) to the post page and keeps that page: it is the
    /// post's page already, so TikTok sees one page view per short link, not two.
    /// </summary>
    private async Task<(TikTokPostId Id, WebPage? Page)> ResolveShortLinkAsync(Uri url, DownloadContext context, CancellationToken cancellationToken)
    {
        if (!TikTokPostId.IsShortLink(url)) throw new UnsupportedLinkException($"Not a TikTok post link: {Redaction.RedactUrl(url)}");

        WebPage page;
        try
        {
            page = await web.GetPageAsync(url, context, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpFetchException error)
        {
            throw error.Failure == HttpFailure.NotFound
                ? new MediaDeletedException($"The TikTok short link {Redaction.RedactUrl(url)} leads nowhere.")
                : ToTypedError(error);
        }

        if (TikTokPostId.TryParse(page.FinalUrl) is { } id)
        {
            logger.ShortLinkResolved(Redaction.RedactUrl(url), id.Value);
            return (id, page);
        }
        if (IsRemovedPostUrl(page.FinalUrl))
            throw new MediaDeletedException($"The TikTok short link {Redaction.RedactUrl(url)} leads to {Redaction.RedactUrl(page.FinalUrl)}: the post is gone.");
        throw new UnsupportedLinkException($"The TikTok short link {Redaction.RedactUrl(url)} leads to no post ({Redaction.RedactUrl(page.FinalUrl)}).");
    }

    // A link to a removed post redirects to the home page or to /notfound.
    private static bool IsRemovedPostUrl(Uri url) =>
        TikTokPostId.IsTikTokHost(url)
        && (url.AbsolutePath is "" or "/" or "/foryou" || url.AbsolutePath.StartsWith("/notfound", StringComparison.OrdinalIgnoreCase));

    private async Task<(MediaPost? Post, HttpFetchException? Failure)> TryWebPageAsync(
        TikTokPostId id, DownloadContext context, WebPage? firstPage, CancellationToken cancellationToken)
    {
        HttpFetchException? failure = null;
        for (var attempt = 1; ; attempt++)
        {
            WebPage? page = attempt == 1 ? firstPage : null;
            try
            {
                page ??= await web.GetPageAsync(id.PageUrl, context, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpFetchException error) when (error.Failure == HttpFailure.NotFound)
            {
                throw new MediaDeletedException($"The page of TikTok post {id} does not exist.");
            }
            catch (HttpFetchException error)
            {
                failure = error;
                logger.PageFailed(id.Value, error.Failure, error.StatusCode ?? 0);
            }

            if (page is not null)
            {
                if (page.FinalUrl.AbsolutePath.StartsWith("/notfound", StringComparison.OrdinalIgnoreCase))
                    throw new MediaDeletedException($"The page of TikTok post {id} redirects to {Redaction.RedactUrl(page.FinalUrl)}.");
                if (page.StatusCode is >= 200 and < 300 && TikTokPage.TryParse(page.Body) is { } parsed)
                {
                    if (parsed.StatusCode is { } status and not 0) throw TikTokMapping.PageStatusError(id, status, parsed.StatusMessage);
                    if (parsed.Item is { } item) return (Map(id, item, context, TikTokPath.WebPage), null);
                }
                logger.PageBlocked(id.Value, attempt, page.StatusCode, page.Body.Length);
            }

            if (attempt == PageAttempts) return (null, failure);
            // The first context may carry the firewall's cookies and a burnt proxy: start afresh.
            context = NewContext();
        }
    }

    private async Task<MediaPost?> TryFallbackApiAsync(TikTokPostId id, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ApiFallbackUrl)) return null;

        // The key goes to the API only, never to the CDN: the media get a context of their own.
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Accept"] = "application/json" };
        if (!string.IsNullOrEmpty(settings.ApiFallbackKey)) headers[settings.ApiFallbackKeyHeader] = settings.ApiFallbackKey;
        var apiContext = new DownloadContext(new CookieContainer(), headers, Proxy: null) { OperatorEndpoint = true };

        WebPage answer;
        try
        {
            answer = await web.GetPageAsync(FallbackUrl(settings.ApiFallbackUrl, id), apiContext, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpFetchException error)
        {
            logger.FallbackFailed(id.Value, $"{error.Failure} {error.StatusCode}");
            return null;
        }
        if (answer.StatusCode is < 200 or >= 300)
        {
            logger.FallbackFailed(id.Value, $"status {answer.StatusCode}");
            return null;
        }
        if (TikTokApiDetail.TryParse(answer.Body, id) is not { } detail)
        {
            logger.FallbackFailed(id.Value, "the answer is not a JSON object");
            return null;
        }
        if (TikTokMapping.ApiStatusError(id, detail) is { } refused) throw refused;
        return Map(id, detail.Item!, NewContext(), TikTokPath.FallbackApi);
    }

    /// <summary>The fallback URL for a post: <c>{id}</c> replaced, or <c>aweme_id=&lt;id&gt;</c> added to the query.</summary>
    internal static Uri FallbackUrl(string template, TikTokPostId id)
    {
        if (template.Contains("{id}", StringComparison.Ordinal)) return new Uri(template.Replace("{id}", id.Value, StringComparison.Ordinal));
        var separator = template.Contains('?') ? (template.EndsWith('?') || template.EndsWith('&') ? "" : "&") : "?";
        return new Uri($"{template}{separator}aweme_id={id}");
    }

    private MediaPost Map(TikTokPostId id, ITikTokItem item, DownloadContext context, TikTokPath path)
    {
        var post = TikTokMapping.ToPost(id, item, context, TimeSpan.FromSeconds(limits.Value.MaxVideoDurationSeconds));
        logger.Extracted(id.Value, path, post is Slideshow slideshow ? $"slideshow of {slideshow.Images.Count} images" : "video");
        return post;
    }

    private static AotBotException ToTypedError(HttpFetchException error) => error.Failure switch
    {
        HttpFailure.RateLimited or HttpFailure.Forbidden => new RateLimitedException("TikTok refused the request.", error),
        _ => new NetworkException("TikTok could not be reached.", error),
    };
}
