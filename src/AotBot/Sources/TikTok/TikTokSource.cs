using System.Net;
using System.Text.RegularExpressions;
using AotBot.Core;
using AotBot.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.TikTok;

/// <summary>
/// TikTok videos and photo posts. Resolves short links hop by hop, reads the post page as a browser would (solving the
/// proof-of-work page when it comes), retries a blocked page with the next User-Agent, a fresh cookie jar and the next
/// proxy, and falls back to the <c>aweme_detail</c> API when every try is blocked. The downloads of a post keep the
/// User-Agent, cookies and proxy of the page that served it.
/// </summary>
internal sealed partial class TikTokSource(
    IWebClient web,
    ProxyPool proxies,
    IOptions<TikTokOptions> options,
    IOptions<LimitsOptions> limits,
    BotMetrics metrics,
    TikTokCapture capture,
    TimeProvider time,
    ILogger<TikTokSource> logger) : IMediaSource
{
    /// <summary>Identities (User-Agent, cookie jar, proxy) tried on a post page before the fallback API.</summary>
    internal const int MaxPageAttempts = 3;

    private const int MaxShortLinkHops = 5;
    private const string ShortLinkUserAgent = "facebookexternalhit/1.1";

    // The User-Agent that last got a page through starts the next job: blocks follow the browser version.
    private int _preferredAgent;

    public string Name => TikTokMapping.SourceName;

    public bool IsMatch(Uri url) => TikTokPostId.TryParse(url) is not null || TikTokPostId.IsShortLink(url);

    public Task<MediaPost> ExtractAsync(Uri url, CancellationToken cancellationToken) =>
        ExtractAsync(url, new ExtractionTrace(), cancellationToken);

    public async Task<MediaPost> ExtractAsync(Uri url, ExtractionTrace trace, CancellationToken cancellationToken)
    {
        var id = TikTokPostId.TryParse(url) ?? await ResolveShortLinkAsync(url, trace, cancellationToken).ConfigureAwait(false);
        try
        {
            var (post, verdict) = await TryWebPagesAsync(id, trace, cancellationToken).ConfigureAwait(false);
            post ??= await TryFallbackApiAsync(id, trace, cancellationToken).ConfigureAwait(false);
            return post ?? throw verdict switch
            {
                // 10204 may mean "blocked from this post": only after every identity and the fallback is it "gone".
                "status_10204" => new MediaDeletedException($"TikTok post {id} does not exist (10204 on every try)."),
                "network" => new NetworkException($"TikTok post {id} could not be fetched."),
                _ => new RateLimitedException($"TikTok blocked the page of post {id} ({verdict}) and no fallback answered."),
            };
        }
        catch (AotBotException error)
        {
            logger.PostRefused(id.Value, error.GetType().Name);
            throw;
        }
    }

    /// <summary>One browser as TikTok sees it: a User-Agent, a cookie jar and a proxy, kept by the post's downloads.</summary>
    private sealed record Identity(string UserAgent, DownloadContext Page)
    {
        public DownloadContext Media => Page with
        {
            // The CDN wants the page's cookies, a Referer of the site and the same browser; no navigation headers.
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["User-Agent"] = UserAgent,
                ["Referer"] = "https://www.tiktok.com/",
                ["Accept-Language"] = "en-US,en;q=0.9",
            },
        };
    }

    private Identity NewIdentity(IReadOnlyList<string> agents, int attempt)
    {
        var agent = agents[(int)((uint)(Volatile.Read(ref _preferredAgent) + attempt - 1) % (uint)agents.Count)];
        // What a browser sends on a navigation; never Origin (browsers send it on a navigation only for POSTs).
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["User-Agent"] = agent,
            ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ["Accept-Language"] = "en-US,en;q=0.9",
            ["Sec-Fetch-Dest"] = "document",
            ["Sec-Fetch-Mode"] = "navigate",
            ["Sec-Fetch-Site"] = "none",
            ["Sec-Fetch-User"] = "?1",
            ["Upgrade-Insecure-Requests"] = "1",
        };
        var context = new DownloadContext(new CookieContainer(), headers, Proxy: null);
        return new Identity(agent, context with { Proxy = proxies.For(context, attempt: 1) });
    }

    private async Task<(MediaPost? Post, string Verdict)> TryWebPagesAsync(TikTokPostId id, ExtractionTrace trace, CancellationToken cancellationToken)
    {
        var agents = options.Value.EffectiveUserAgents;
        var attempts = Math.Max(2, Math.Min(MaxPageAttempts, agents.Count));
        var verdict = "network";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var identity = NewIdentity(agents, attempt);
            var (post, outcome) = await FetchPostPageAsync(id, identity, cancellationToken).ConfigureAwait(false);
            metrics.TikTokPage(outcome);
            var detail = $"ua={UserAgentFamily(identity.UserAgent)} proxy={ProxyLabel(identity.Page.Proxy)}";
            trace.Add("page", outcome, detail);
            if (post is not null)
            {
                var index = IndexOf(agents, identity.UserAgent);
                if (index >= 0) Volatile.Write(ref _preferredAgent, index);
                logger.Extracted(id.Value, TikTokPath.WebPage, Kind(post));
                return (post, outcome);
            }
            logger.PageAttemptBlocked(id.Value, outcome, attempt, UserAgentFamily(identity.UserAgent), ProxyLabel(identity.Page.Proxy));
            verdict = outcome;
        }
        return (null, verdict);
    }

    /// <summary>
    /// Fetches the post page with one identity, solving one proof-of-work page on the way. Returns the post and
    /// <c>ok</c>/<c>challenge_solved</c>, or no post and why (a page outcome of the metric). Throws the typed error of
    /// a page that says the post is gone, private or out of region.
    /// </summary>
    private async Task<(MediaPost? Post, string Outcome)> FetchPostPageAsync(TikTokPostId id, Identity identity, CancellationToken cancellationToken)
    {
        var solved = false;
        while (true)
        {
            WebPage page;
            try
            {
                page = await web.GetPageAsync(id.PageUrl, identity.Page, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpFetchException error) when (error.Failure == HttpFailure.NotFound)
            {
                throw new MediaDeletedException($"The page of TikTok post {id} does not exist.");
            }
            catch (HttpFetchException error)
            {
                logger.PageFailed(id.Value, error.Failure, error.StatusCode ?? 0);
                return (null, error.StatusCode is { } status && error.Failure != HttpFailure.NetworkError ? $"status_{status}" : "network");
            }

            var path = page.FinalUrl.AbsolutePath;
            if (path.StartsWith("/notfound", StringComparison.OrdinalIgnoreCase))
                throw new MediaDeletedException($"The page of TikTok post {id} redirects to {Redaction.RedactUrl(page.FinalUrl)}.");
            if (path.StartsWith("/login", StringComparison.OrdinalIgnoreCase)) return (null, "login_redirect");

            if (TikTokPage.TryParse(page.Body) is { } parsed)
            {
                if (parsed.StatusCode is 10204) return (null, "status_10204");
                if (parsed.StatusCode is { } status and not 0) throw TikTokMapping.PageStatusError(id, status, parsed.StatusMessage);
                if (parsed.Item is { } item) return (Map(id, item, identity.Media), solved ? "challenge_solved" : "ok");
            }

            if (TikTokChallenge.TryParse(page.Body) is { } challenge)
            {
                if (solved || await SolveAsync(id, challenge, identity.Page.Cookies, cancellationToken).ConfigureAwait(false) is false)
                {
                    capture.Save("challenge_failed", page.FinalUrl, page.StatusCode, page.Body);
                    return (null, "challenge_failed");
                }
                solved = true;
                continue;
            }

            var outcome = Classify(page);
            capture.Save(outcome, page.FinalUrl, page.StatusCode, page.Body);
            return (null, outcome);
        }
    }

    /// <summary>Solves the puzzle off this thread and puts the answer cookie(s) into the identity's jar.</summary>
    private async Task<bool> SolveAsync(TikTokPostId id, TikTokChallenge challenge, CookieContainer cookies, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (await challenge.SolveAsync(cancellationToken).ConfigureAwait(false) is not { } answer) return false;
        logger.ChallengeSolved(id.Value, answer, (long)time.GetElapsedTime(started).TotalMilliseconds);
        try
        {
            cookies.Add(new Cookie(challenge.CookieName, challenge.CookieValue(answer), "/", ".tiktok.com"));
            if (challenge.SecondCookie is { } second) cookies.Add(new Cookie(second.Name, second.Value, "/", ".tiktok.com"));
            return true;
        }
        catch (CookieException)
        {
            return false;
        }
    }

    // "Site Maintenance" / "Oops! Something went wrong" with "error code: 0.<hex>.<unix time>.<hex>": the CDN front's receipt.
    [GeneratedRegex(@"error code:?\s*0\.[0-9a-f]+\.[0-9]+\.[0-9a-f]+|Site Maintenance", RegexOptions.IgnoreCase)]
    private static partial Regex MaintenanceReceipt();

    private static string Classify(WebPage page)
    {
        if (string.IsNullOrWhiteSpace(page.Body)) return "empty";
        if (MaintenanceReceipt().IsMatch(page.Body)) return "maintenance_block";
        if (page.Body.Contains("captcha", StringComparison.OrdinalIgnoreCase)) return "captcha";
        if (page.StatusCode is < 200 or >= 300) return $"status_{page.StatusCode}";
        return "empty";
    }

    /// <summary>
    /// Follows a short link one hop at a time without fetching the post page (the normal page path does that, with
    /// its challenge and User-Agent handling): every hop must stay on TikTok, and a <c>/login?redirect_url=</c> hop
    /// gives the post URL back.
    /// </summary>
    private async Task<TikTokPostId> ResolveShortLinkAsync(Uri url, ExtractionTrace trace, CancellationToken cancellationToken)
    {
        if (!TikTokPostId.IsShortLink(url)) throw new UnsupportedLinkException($"Not a TikTok post link: {Redaction.RedactUrl(url)}");
        var context = new DownloadContext(new CookieContainer(),
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["User-Agent"] = ShortLinkUserAgent }, Proxy: null);
        var current = url;
        for (var hop = 1; hop <= MaxShortLinkHops; hop++)
        {
            WebHop answer;
            try
            {
                answer = await web.GetHopAsync(current, context, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpFetchException error)
            {
                trace.Add("short_link", error.Failure == HttpFailure.NotFound ? "not_found" : "network");
                throw error.Failure == HttpFailure.NotFound
                    ? new MediaDeletedException($"The TikTok short link {Redaction.RedactUrl(url)} leads nowhere.")
                    : ToTypedError(error);
            }
            logger.ShortLinkHop(Redaction.RedactUrl(url), hop, answer.StatusCode, Redaction.RedactUrl(answer.Location));
            if (answer.Location is not { } next)
                throw new UnsupportedLinkException($"The TikTok short link {Redaction.RedactUrl(url)} leads to no post ({answer.StatusCode}).");
            if (!TikTokPostId.IsTikTokHost(next))
                throw new UnsupportedLinkException($"The TikTok short link {Redaction.RedactUrl(url)} leads off TikTok ({Redaction.RedactUrl(next)}).");

            var target = LoginRedirectTarget(next) ?? next;
            if (TikTokPostId.TryParse(target) is { } id)
            {
                trace.Add("short_link", ReferenceEquals(target, next) ? "resolved" : "login_redirect_recovered", Redaction.RedactUrl(target));
                logger.ShortLinkResolved(Redaction.RedactUrl(url), id.Value);
                return id;
            }
            if (IsRemovedPostUrl(next))
            {
                trace.Add("short_link", "removed", Redaction.RedactUrl(next));
                throw new MediaDeletedException($"The TikTok short link {Redaction.RedactUrl(url)} leads to {Redaction.RedactUrl(next)}: the post is gone.");
            }
            current = next;
        }
        throw new UnsupportedLinkException($"The TikTok short link {Redaction.RedactUrl(url)} redirects more than {MaxShortLinkHops} times.");
    }

    /// <summary>The post URL in <c>/login?redirect_url=&lt;encoded URL&gt;</c>, when it is a TikTok URL.</summary>
    internal static Uri? LoginRedirectTarget(Uri url)
    {
        if (!url.AbsolutePath.StartsWith("/login", StringComparison.OrdinalIgnoreCase)) return null;
        return UrlQuery.Value(url, "redirect_url") is { } value && Uri.TryCreate(value, UriKind.Absolute, out var target)
            && TikTokPostId.IsTikTokHost(target) ? target : null;
    }

    // A link to a removed post redirects to the home page or to /notfound.
    private static bool IsRemovedPostUrl(Uri url) =>
        TikTokPostId.IsTikTokHost(url)
        && (url.AbsolutePath is "" or "/" or "/foryou" || url.AbsolutePath.StartsWith("/notfound", StringComparison.OrdinalIgnoreCase));

    private async Task<MediaPost?> TryFallbackApiAsync(TikTokPostId id, ExtractionTrace trace, CancellationToken cancellationToken)
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
            answer = settings.ApiFallbackMethod.Equals("POST", StringComparison.OrdinalIgnoreCase)
                ? await web.PostFormAsync(new Uri(settings.ApiFallbackUrl), [new("aweme_ids", $"[{id}]")], apiContext, cancellationToken).ConfigureAwait(false)
                : await web.GetPageAsync(FallbackUrl(settings.ApiFallbackUrl, id), apiContext, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpFetchException error)
        {
            trace.Add("fallback", error.StatusCode is { } status ? $"status_{status}" : "network");
            logger.FallbackFailed(id.Value, $"{error.Failure} {error.StatusCode}");
            return null;
        }
        if (answer.StatusCode is < 200 or >= 300)
        {
            trace.Add("fallback", $"status_{answer.StatusCode}");
            logger.FallbackFailed(id.Value, $"status {answer.StatusCode}");
            return null;
        }
        if (TikTokApiDetail.TryParse(answer.Body, id) is not { } detail)
        {
            trace.Add("fallback", "not_json");
            logger.FallbackFailed(id.Value, "the answer is not a JSON object");
            return null;
        }
        if (TikTokMapping.ApiStatusError(id, detail) is { } refused)
        {
            trace.Add("fallback", refused.GetType().Name);
            throw refused;
        }
        var post = Map(id, detail.Item!, NewIdentity(settings.EffectiveUserAgents, attempt: 1).Media);
        trace.Add("fallback", "ok");
        logger.Extracted(id.Value, TikTokPath.FallbackApi, Kind(post));
        return post;
    }

    /// <summary>The fallback URL for a post: <c>{id}</c> replaced, or <c>aweme_id=&lt;id&gt;</c> added to the query.</summary>
    internal static Uri FallbackUrl(string template, TikTokPostId id)
    {
        if (template.Contains("{id}", StringComparison.Ordinal)) return new Uri(template.Replace("{id}", id.Value, StringComparison.Ordinal));
        var separator = template.Contains('?') ? (template.EndsWith('?') || template.EndsWith('&') ? "" : "&") : "?";
        return new Uri($"{template}{separator}aweme_id={id}");
    }

    private MediaPost Map(TikTokPostId id, ITikTokItem item, DownloadContext context)
    {
        try
        {
            return TikTokMapping.ToPost(id, item, context, TimeSpan.FromSeconds(limits.Value.MaxVideoDurationSeconds), limits.Value.MaxUploadBytes);
        }
        catch (MediaExtractionException) when (item.Renditions.Count > 0 && item.Renditions.All(rendition => !rendition.HasSound || rendition.Codec == TikTokCodec.Unplayable))
        {
            logger.OnlyVideoOnlyRenditions(id.Value);
            throw;
        }
    }

    private static string Kind(MediaPost post) => post is Slideshow slideshow ? $"slideshow of {slideshow.Images.Count} images" : "video";

    private string ProxyLabel(Uri? proxy) => proxies.IndexOf(proxy) is var index and >= 0 ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    private static int IndexOf(IReadOnlyList<string> agents, string agent)
    {
        for (var i = 0; i < agents.Count; i++)
            if (string.Equals(agents[i], agent, StringComparison.Ordinal)) return i;
        return -1;
    }

    // Firefox/145.0 → firefox/145; Chrome/143.0.0.0 → chrome/143; Edg/… → edge; Version/18.1 Safari → safari/18.
    [GeneratedRegex(@"(?<name>Firefox|Edg|OPR|Chrome|Version)/(?<major>[0-9]+)")]
    private static partial Regex BrowserVersion();

    /// <summary>The browser family and major version of a User-Agent, for log lines (never the whole string).</summary>
    internal static string UserAgentFamily(string agent)
    {
        foreach (Match match in BrowserVersion().Matches(agent))
        {
            var name = match.Groups["name"].Value switch { "Edg" => "edge", "OPR" => "opera", "Version" => "safari", var other => other.ToLowerInvariant() };
            if (name == "chrome" && (agent.Contains("Edg/", StringComparison.Ordinal) || agent.Contains("OPR/", StringComparison.Ordinal))) continue;
            return $"{name}/{match.Groups["major"].Value}";
        }
        return "other";
    }

    private static AotBotException ToTypedError(HttpFetchException error) => error.Failure switch
    {
        HttpFailure.RateLimited or HttpFailure.Forbidden => new RateLimitedException("TikTok refused the request.", error),
        _ => new NetworkException("TikTok could not be reached.", error),
    };
}
