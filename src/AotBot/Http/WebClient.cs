using System.Text;
using AotBot.Core;
using Microsoft.Extensions.Logging;

namespace AotBot.Http;

/// <summary>Pages and redirect resolution over <see cref="HttpRequestRunner"/>.</summary>
internal sealed class WebClient(HttpRequestRunner runner, ILogger<WebClient> logger) : IWebClient
{
    /// <summary>Pages are read whole into memory; anything larger is not a page we want.</summary>
    public const int PageByteLimit = 16 * 1024 * 1024;

    public Task<WebPage> GetPageAsync(Uri url, DownloadContext context, CancellationToken cancellationToken) =>
        ReadPageAsync(url, context, body: null, cancellationToken);

    public Task<WebPage> PostFormAsync(Uri url, IReadOnlyList<KeyValuePair<string, string>> form, DownloadContext context, CancellationToken cancellationToken) =>
        ReadPageAsync(url, context, () => new FormUrlEncodedContent(form), cancellationToken);

    public Task<WebHop> GetHopAsync(Uri url, DownloadContext context, CancellationToken cancellationToken) =>
        runner.SendAsync(url, context, RequestKind.Hop, gate: null, final =>
        {
            var location = final.Message.Headers.Location is { } target ? new Uri(final.Url, target) : null;
            return Task.FromResult(new WebHop(final.Url, (int)final.Message.StatusCode, location));
        }, cancellationToken);

    private async Task<WebPage> ReadPageAsync(Uri url, DownloadContext context, Func<HttpContent>? body, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.SendAsync(url, context, RequestKind.Page, gate: null, async final =>
            {
                await using var content = await BodyReader.ReadAsync(final, PageByteLimit, PageByteLimit, logger).ConfigureAwait(false);
                var text = Decode(final.Message.Content.Headers.ContentType?.CharSet).GetString(content.Memory!.Value.Span);
                return new WebPage(final.Url, (int)final.Message.StatusCode, text);
            }, cancellationToken, body).ConfigureAwait(false);
        }
        catch (MediaTooLargeException ex)
        {
            throw new HttpFetchException(HttpFailure.TooLarge, $"The page at {Redaction.RedactUrl(url)} is over {PageByteLimit} bytes.", null, ex);
        }
    }

    public Task<Uri> ResolveRedirectsAsync(Uri url, DownloadContext context, CancellationToken cancellationToken) =>
        runner.SendAsync(url, context, RequestKind.Resolve, gate: null, final => Task.FromResult(final.Url), cancellationToken);

    private static Encoding Decode(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset)) return Encoding.UTF8;
        try
        {
            return Encoding.GetEncoding(charset.Trim('"', ' '));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }
}
