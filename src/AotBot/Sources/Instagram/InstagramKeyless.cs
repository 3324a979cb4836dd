using System.Collections.Frozen;
using System.Net;
using AotBot.Http;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.Instagram;

/// <summary>
/// The three ways public posts are read without an account, each one request or two with its own headers: the app
/// API (oembed, then media info), the embed page, and GraphQL (after the post page, for its <c>lsd</c> token and
/// <c>csrftoken</c> cookie). Each answers an <see cref="InstagramAnswer"/>; none throws for what Instagram answers.
/// </summary>
internal sealed class InstagramKeyless(IWebClient web, IOptions<InstagramOptions> options)
{
    public const string AppApiPath = "app_api";
    public const string EmbedPath = "embed";
    public const string GraphqlPath = "graphql";

    // The app API answers only its own app: an Android app User-Agent (the version matters little).
    private const string AppUserAgent = "Instagram 275.0.0.27.98 Android (33/13; 280dpi; 720x1423; Xiaomi; Redmi 7; onclite; qcom; en_US; 458229237)";

    private static readonly FrozenDictionary<string, string> s_navigation = new Dictionary<string, string>
    {
        ["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ["Accept-Language"] = "en-US,en;q=0.9",
        ["Sec-Fetch-Dest"] = "document",
        ["Sec-Fetch-Mode"] = "navigate",
        ["Sec-Fetch-Site"] = "none",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The paths in the order they are tried, each with how it reads a post.</summary>
    public IReadOnlyList<(string Name, Func<InstagramShortcode, CookieContainer, CancellationToken, Task<InstagramAnswer>> Read)> Paths =>
    [
        (AppApiPath, ReadAppApiAsync),
        (EmbedPath, ReadEmbedAsync),
        (GraphqlPath, ReadGraphqlAsync),
    ];

    private async Task<InstagramAnswer> ReadAppApiAsync(InstagramShortcode shortcode, CookieContainer cookies, CancellationToken cancellationToken)
    {
        var context = new DownloadContext(cookies, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["User-Agent"] = AppUserAgent,
            ["x-ig-app-id"] = options.Value.AppId,
            ["Accept"] = "application/json",
        }, Proxy: null);
        var oembed = await GetAsync(new Uri("https://i.instagram.com/api/v1/oembed/?url=" + Uri.EscapeDataString(shortcode.Url.AbsoluteUri)),
            context, cancellationToken).ConfigureAwait(false);
        if (oembed.Answer is { } refused) return refused;
        var json = InstagramJson.Parse(oembed.Page!.Body);
        if (InstagramJson.Failure(json) is { } failure) return new InstagramAnswer(failure);
        // The computed id is the same number; the oembed one wins where they differ (it is what the app itself uses).
        var mediaId = InstagramAppApi.ReadOembedMediaId(oembed.Page.Body) ?? shortcode.MediaId;

        var info = await GetAsync(new Uri($"https://i.instagram.com/api/v1/media/{mediaId}/info/"), context, cancellationToken).ConfigureAwait(false);
        return info.Answer ?? InstagramAppApi.ReadInfo(info.Page!.Body);
    }

    private async Task<InstagramAnswer> ReadEmbedAsync(InstagramShortcode shortcode, CookieContainer cookies, CancellationToken cancellationToken)
    {
        var page = await GetAsync(new Uri($"https://www.instagram.com/p/{shortcode.Value}/embed/captioned/"),
            new DownloadContext(cookies, s_navigation, Proxy: null), cancellationToken).ConfigureAwait(false);
        return page.Answer ?? InstagramEmbedPage.Read(page.Page!.Body);
    }

    private async Task<InstagramAnswer> ReadGraphqlAsync(InstagramShortcode shortcode, CookieContainer cookies, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // The post page sets the csrftoken cookie and carries the lsd token the query must repeat.
        var page = await GetAsync(shortcode.Url, new DownloadContext(cookies, s_navigation, Proxy: null), cancellationToken).ConfigureAwait(false);
        if (page.Answer is { } refused) return refused;
        var lsd = InstagramGraphql.ReadLsd(page.Page!.Body);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Accept"] = "*/*",
            ["x-ig-app-id"] = settings.AppId,
            ["x-fb-friendly-name"] = "PolarisLoggedOutDesktopWWWPostRootContentQuery",
            ["Origin"] = "https://www.instagram.com",
            ["Referer"] = shortcode.Url.AbsoluteUri,
            ["Sec-Fetch-Site"] = "same-origin",
            ["Sec-Fetch-Mode"] = "cors",
            ["Sec-Fetch-Dest"] = "empty",
        };
        if (lsd is not null) headers["x-fb-lsd"] = lsd;
        var csrf = cookies.GetCookies(shortcode.Url)["csrftoken"]?.Value;
        if (!string.IsNullOrEmpty(csrf)) headers["x-csrftoken"] = csrf;

        List<KeyValuePair<string, string>> form =
        [
            new("doc_id", settings.GraphqlDocId),
            new("variables", InstagramGraphql.Variables(settings.GraphqlDocId, shortcode)),
            new("fb_api_caller_class", "RelayModern"),
            new("fb_api_req_friendly_name", "PolarisLoggedOutDesktopWWWPostRootContentQuery"),
            new("server_timestamps", "true"),
        ];
        if (lsd is not null) form.Add(new("lsd", lsd));

        WebPage answer;
        try
        {
            answer = await web.PostFormAsync(new Uri("https://www.instagram.com/api/graphql"), form,
                new DownloadContext(cookies, headers, Proxy: null), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpFetchException error)
        {
            return new InstagramAnswer(Outcome(error));
        }
        return IsLoginRedirect(answer.FinalUrl) ? new InstagramAnswer(InstagramOutcome.LoginRedirect) : InstagramGraphql.Read(answer.Body);
    }

    /// <summary>A page, or the answer that ends the path when there is none to read (a login redirect, 404, 429, network).</summary>
    private async Task<(WebPage? Page, InstagramAnswer? Answer)> GetAsync(Uri url, DownloadContext context, CancellationToken cancellationToken)
    {
        try
        {
            var page = await web.GetPageAsync(url, context, cancellationToken).ConfigureAwait(false);
            return IsLoginRedirect(page.FinalUrl) ? (null, new InstagramAnswer(InstagramOutcome.LoginRedirect)) : (page, null);
        }
        catch (HttpFetchException error)
        {
            return (null, new InstagramAnswer(Outcome(error)));
        }
    }

    /// <summary>Where Instagram sends anonymous visitors over its limit (and visitors of posts it will not show them).</summary>
    internal static bool IsLoginRedirect(Uri url) =>
        InstagramShortcode.IsInstagramHost(url)
        && (url.AbsolutePath is "" or "/" || url.AbsolutePath.StartsWith("/accounts/login", StringComparison.OrdinalIgnoreCase));

    private static InstagramOutcome Outcome(HttpFetchException error) => error.Failure switch
    {
        HttpFailure.NotFound => InstagramOutcome.NotFound,
        HttpFailure.RateLimited => InstagramOutcome.RateLimited,
        // The app API answers 401/403 {"require_login":true} where the web redirects to the login page.
        HttpFailure.Forbidden => InstagramOutcome.LoginRedirect,
        _ => InstagramOutcome.Network,
    };
}
