namespace AotBot.Http;

/// <summary>
/// The <see cref="HttpClient"/> the Telegram client is built on: the shared handler (its pool and address guard,
/// which trusts the <c>Telegram:ApiBaseUrl</c> host) plus host overrides; no retries (the bot owns 429 handling)
/// and no redirects. Requests carry their own absolute URLs (Telegram.Bot builds them from its base URL).
/// </summary>
internal sealed class TelegramHttpClient : IDisposable
{
    public TelegramHttpClient(HttpHandlers handlers, HostOverrides overrides)
    {
        // disposeHandler: false — the shared handler belongs to HttpHandlers, which the host disposes.
        Client = new HttpClient(new OverridingHandler(overrides) { InnerHandler = handlers.Shared }, disposeHandler: false)
        {
            // Uploads of up to 2 GB to a local Bot API server take long; callers bound calls with their own tokens.
            Timeout = TimeSpan.FromMinutes(10),
        };
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();

    private sealed class OverridingHandler(HostOverrides overrides) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new HttpRequestException($"Only absolute http(s) URLs are sent, not '{request.RequestUri?.Scheme}'.");
            request.RequestUri = overrides.Apply(url);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
