
namespace AotBot.Http;

/// <summary>
/// Fetches pages and API answers through the shared handler: our own redirect loop (host overrides and the address
/// guard on every hop), retries, the job's cookies/headers/proxy from <see cref="DownloadContext"/>.
/// Fails with <see cref="HttpFetchException"/>.
/// </summary>
public interface IWebClient
{
    /// <summary>GETs <paramref name="url"/>, following redirects, and returns the final URL, status and body text.</summary>
    Task<WebPage> GetPageAsync(Uri url, DownloadContext context, CancellationToken cancellationToken);

    /// <summary>Follows redirects from <paramref name="url"/> without reading bodies and returns the last URL.</summary>
    Task<Uri> ResolveRedirectsAsync(Uri url, DownloadContext context, CancellationToken cancellationToken);

    /// <summary>One request to <paramref name="url"/> without following a redirect: its status and <c>Location</c>, body unread.</summary>
    Task<WebHop> GetHopAsync(Uri url, DownloadContext context, CancellationToken cancellationToken);

    /// <summary>POSTs <paramref name="form"/> (<c>application/x-www-form-urlencoded</c>) and returns the answer like <see cref="GetPageAsync"/>.</summary>
    Task<WebPage> PostFormAsync(Uri url, IReadOnlyList<KeyValuePair<string, string>> form, DownloadContext context, CancellationToken cancellationToken);
}

/// <summary>One hop of a redirect chain: the URL asked, its status, and where it points (absolute), if anywhere.</summary>
public sealed record WebHop(Uri Url, int StatusCode, Uri? Location);

/// <summary>A fetched page: where the redirects ended (the logical URL, before host overrides), its status and text.</summary>
public sealed record WebPage(Uri FinalUrl, int StatusCode, string Body);

/// <summary>Why a request failed after the retry loop gave up.</summary>
public enum HttpFailure { NotFound, Forbidden, RateLimited, TooLarge, NetworkError }

/// <summary>A request that failed for good; <see cref="Failure"/> says how, for the bot's message.</summary>
public sealed class HttpFetchException(HttpFailure failure, string message, int? statusCode = null, Exception? inner = null)
    : AotBotException(message, inner)
{
    public HttpFailure Failure { get; } = failure;
    public int? StatusCode { get; } = statusCode;
}
