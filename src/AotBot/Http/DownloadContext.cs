using System.Net;

namespace AotBot.Http;

/// <summary>
/// Per-job download state a source hands to the downloader: the cookies its page set, the headers its CDN wants,
/// and the proxy the extraction used, so every request of one job looks like one browser.
/// </summary>
public sealed record DownloadContext(CookieContainer Cookies, IReadOnlyDictionary<string, string> Headers, Uri? Proxy)
{
    /// <summary>
    /// The request goes to an endpoint our code addressed through settings (the fallback or Instagram API), so it may
    /// reach a private address; a redirect to another host leaves that route. Never set for URLs from third-party data.
    /// </summary>
    public bool OperatorEndpoint { get; init; }

    public static DownloadContext Plain() => new(new CookieContainer(), new Dictionary<string, string>(), null);
}
