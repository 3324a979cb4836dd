using System.Net;

namespace AotBot.Sources;

/// <summary>
/// Per-job download state a source hands to the downloader: the cookies its page set, the headers its CDN wants,
/// and the proxy the extraction used, so every request of one job looks like one browser.
/// </summary>
public sealed record DownloadContext(CookieContainer Cookies, IReadOnlyDictionary<string, string> Headers, Uri? Proxy)
{
    public static DownloadContext Plain() => new(new CookieContainer(), new Dictionary<string, string>(), null);
}
