using AotBot.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AotBot.Http;

/// <summary>
/// The <see cref="HttpClient"/> the Telegram client is built on: the operator pool (every request is one our code
/// addressed to <c>Telegram:ApiBaseUrl</c>, which may be a local Bot API server) plus host overrides; no retries (the
/// bot owns 429 handling) and no redirects. Requests carry their own absolute URLs (Telegram.Bot builds them from its
/// base URL). Every call but getUpdates (which bounds itself) is bounded: <c>Telegram:RequestTimeout</c> for JSON
/// calls, <see cref="UploadTimeout"/> for uploads, so a hung connection cannot hold a job slot for long.
/// </summary>
internal sealed class TelegramHttpClient : IDisposable
{
    private static readonly TimeSpan UploadBase = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UploadCap = TimeSpan.FromMinutes(10);
    private const long UploadBytesPerSecond = 256 * 1024;

    /// <summary><c>Telegram:RequestTimeout</c> when unset; TelegramOptions takes its default from here (Http knows no Telegram).</summary>
    internal static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time;
    private readonly BotMetrics _metrics;
    private readonly ILogger<TelegramHttpClient> _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly IdleTrimmer _idle;
    private long _lastAnswerTicks;

    public TelegramHttpClient(HttpHandlers handlers, HostOverrides overrides, BotMetrics metrics, TimeProvider time,
        IConfiguration configuration, IdleTrimmer idle, ILogger<TelegramHttpClient> logger)
    {
        _idle = idle;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        // Read from configuration rather than IOptions<TelegramOptions>: resolving those validates the bot token,
        // which the HTTP layer neither needs nor should fail on; TelegramOptions validates the value at start-up.
        _requestTimeout = TimeSpan.TryParse(configuration["Telegram:RequestTimeout"], System.Globalization.CultureInfo.InvariantCulture, out var timeout)
            ? timeout
            : DefaultRequestTimeout;
        // disposeHandler: false — the operator handler belongs to HttpHandlers, which the host disposes.
        Client = new HttpClient(new OverridingHandler(overrides, this) { InnerHandler = handlers.OperatorHandler }, disposeHandler: false)
        {
            // Our own per-call timeouts (on TimeProvider) end calls first; this only backs them up.
            Timeout = UploadCap + TimeSpan.FromMinutes(1),
        };
    }

    public HttpClient Client { get; }

    /// <summary>When the Bot API last answered anything (any status under 500): Telegram is reachable. Null before.</summary>
    public DateTimeOffset? LastAnswerAt =>
        Interlocked.Read(ref _lastAnswerTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>30 s plus 1 s per 256 KB sent, at most 10 minutes: a slow uplink still gets a 50 MB video through.</summary>
    internal static TimeSpan UploadTimeout(long bytes)
    {
        var timeout = UploadBase + TimeSpan.FromSeconds(Math.Max(0, bytes) / UploadBytesPerSecond);
        return timeout > UploadCap ? UploadCap : timeout;
    }

    /// <summary>The bound of one call: none for getUpdates, else by payload (multipart uploads) or the JSON setting.</summary>
    internal TimeSpan? TimeoutFor(string method, HttpContent? content) =>
        method.Equals("getUpdates", StringComparison.OrdinalIgnoreCase) ? null
        // An upload of unknown length may be large: it gets the cap.
        : content is MultipartContent ? content.Headers.ContentLength is { } length ? UploadTimeout(length) : UploadCap
        : _requestTimeout;

    public void Dispose() => Client.Dispose();

    private sealed class OverridingHandler(HostOverrides overrides, TelegramHttpClient owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new HttpRequestException($"Only absolute http(s) URLs are sent, not '{request.RequestUri?.Scheme}'.");
            request.RequestUri = overrides.Apply(url);
            // /bot<token>/<method>: the method, never the token, is what logs and metrics see.
            var method = url.Segments[^1];
            var response = owner.TimeoutFor(method, request.Content) is { } timeout
                ? await SendBoundedAsync(request, method, timeout, cancellationToken)
                : await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode < 500)
            {
                Interlocked.Exchange(ref owner._lastAnswerTicks, owner._time.GetUtcNow().UtcTicks);
                if (method == "getUpdates") owner._idle.StartupSettled();
            }
            // Every 429 of every caller (Telegram.Bot's and the raw getUpdates), labelled with the method.
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                owner._metrics.TelegramRateLimited(method);
            return response;
        }

        private async Task<HttpResponseMessage> SendBoundedAsync(HttpRequestMessage request, string method, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var timer = new CancellationTokenSource(timeout, owner._time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, linked.Token);
                // The answer is small JSON: read it under the same bound, so a body that stalls times out too.
                await response.Content.LoadIntoBufferAsync(linked.Token);
                return response;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException
                && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                response?.Dispose();
                var sent = request.Content?.Headers.ContentLength ?? 0;
                owner._logger.TelegramCallTimedOut(method, timeout.TotalSeconds, sent);
                // Not an OperationCanceledException: Telegram.Bot turns this into a RequestException with no status,
                // which BotApi retries like a 5xx.
                throw new TimeoutException($"Telegram did not answer {method} within {timeout.TotalSeconds} s.", ex);
            }
        }
    }
}
