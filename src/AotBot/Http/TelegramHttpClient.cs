using AotBot.Hosting;

namespace AotBot.Http;

/// <summary>
/// The <see cref="HttpClient"/> the Telegram client is built on: the operator pool (every request is one our code
/// addressed to <c>Telegram:ApiBaseUrl</c>, which may be a local Bot API server) plus host overrides; no retries (the bot owns 429 handling)
/// and no redirects. Requests carry their own absolute URLs (Telegram.Bot builds them from its base URL).
/// </summary>
internal sealed class TelegramHttpClient : IDisposable
{
    private readonly TimeProvider _time;
    private readonly BotMetrics _metrics;
    private long _lastAnswerTicks;

    public TelegramHttpClient(HttpHandlers handlers, HostOverrides overrides, BotMetrics metrics, TimeProvider time)
    {
        _time = time;
        _metrics = metrics;
        // disposeHandler: false — the shared handler belongs to HttpHandlers, which the host disposes.
        Client = new HttpClient(new OverridingHandler(overrides, this) { InnerHandler = handlers.OperatorHandler }, disposeHandler: false)
        {
            // Uploads of up to 2 GB to a local Bot API server take long; callers bound calls with their own tokens.
            Timeout = TimeSpan.FromMinutes(10),
        };
    }

    public HttpClient Client { get; }

    /// <summary>When the Bot API last answered anything (any status under 500): Telegram is reachable. Null before.</summary>
    public DateTimeOffset? LastAnswerAt =>
        Interlocked.Read(ref _lastAnswerTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Dispose() => Client.Dispose();

    private sealed class OverridingHandler(HostOverrides overrides, TelegramHttpClient owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new HttpRequestException($"Only absolute http(s) URLs are sent, not '{request.RequestUri?.Scheme}'.");
            request.RequestUri = overrides.Apply(url);
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode < 500)
                Interlocked.Exchange(ref owner._lastAnswerTicks, owner._time.GetUtcNow().UtcTicks);
            // Every 429 of every caller (Telegram.Bot's and the raw getUpdates), labelled with the method: /bot<token>/<method>.
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                owner._metrics.TelegramRateLimited(url.Segments[^1]);
            return response;
        }
    }
}
