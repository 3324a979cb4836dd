using System.Net;
using AotBot.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>What the caller does with the final response; decides which statuses end the chain and what the attempt timeout covers.</summary>
internal enum RequestKind { Page, Resolve, Download, Hop }

/// <summary>The response that ended the redirect chain, read by the caller inside the attempt (so body failures retry).</summary>
internal sealed class FinalResponse(Uri url, HttpResponseMessage message, AttemptScope scope)
{
    /// <summary>The logical URL (before host overrides).</summary>
    public Uri Url { get; } = url;

    public HttpResponseMessage Message { get; } = message;

    public CancellationToken Token => scope.Token;

    /// <summary>Reads body bytes under the read-idle timeout.</summary>
    public ValueTask<int> ReadAsync(Stream body, Memory<byte> buffer) => scope.ReadAsync(body, buffer);
}

/// <summary>
/// GET with our redirect loop (host overrides and the route chosen on every hop, at most
/// <see cref="MaxRedirects"/> hops, loops detected) inside our retry loop (408/429/5xx and transient transport
/// failures; Retry-After or full-jitter backoff, all waiting on <see cref="TimeProvider"/>). Ends in the caller's
/// result or an <see cref="HttpFetchException"/>. A hop takes the operator route (<see cref="HttpHandlers.Operator"/>)
/// when a host override rewrites it or when it stays on the host of an <see cref="DownloadContext.OperatorEndpoint"/>
/// request; every other hop is third-party and guarded, whatever address it names.
/// </summary>
internal sealed class HttpRequestRunner(
    HttpHandlers handlers,
    HostOverrides overrides,
    AddressGuard guard,
    ProxyPool proxies,
    Backoff backoff,
    IOptions<HttpOptions> options,
    TimeProvider time,
    ILogger<HttpRequestRunner> logger)
{
    public const int MaxRedirects = 10;

    /// <param name="gate">A concurrency slot held during each attempt (not during backoff), or null.</param>
    /// <param name="body">A POST body for the first URL (made anew for each attempt); redirects from it are GETs. Null: GET.</param>
    public async Task<T> SendAsync<T>(Uri url, DownloadContext context, RequestKind kind, SemaphoreSlim? gate,
        Func<FinalResponse, Task<T>> readFinal, CancellationToken cancellationToken, Func<HttpContent>? body = null)
    {
        var settings = options.Value;
        var current = url;
        var operatorHost = context.OperatorEndpoint ? url.Authority : null;
        var visited = new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        var hops = 0;
        var attempt = 1;
        while (true)
        {
            var failure = TransientFailure.Status;
            var status = 0;
            TimeSpan? retryAfter = null;
            Exception? error = null;
            if (gate is not null) await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            using (var scope = new AttemptScope(time, settings.AttemptTimeout, settings.ReadIdleTimeout, cancellationToken))
            {
                try
                {
                    if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
                        throw Fail(HttpFailure.NetworkError, current, $"Only http and https URLs are fetched, not {current.Scheme}:.", null);
                    var physical = overrides.Apply(current);
                    var operatorRoute = overrides.Covers(current) || string.Equals(current.Authority, operatorHost, StringComparison.OrdinalIgnoreCase);
                    var proxy = proxies.For(context, attempt);
                    if (proxy is not null && !operatorRoute) guard.CheckLiteral(physical);
                    using var request = CreateRequest(physical, current, context, settings, hops == 0 ? body : null);
                    using var response = await handlers.For(proxy, operatorRoute).SendAsync(request, scope.Token).ConfigureAwait(false);
                    StoreCookies(response, current, context.Cookies);
                    status = (int)response.StatusCode;
                    if (kind != RequestKind.Hop && status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                    {
                        var next = new Uri(current, location);
                        if (++hops > MaxRedirects)
                            throw Fail(HttpFailure.NetworkError, current, $"More than {MaxRedirects} redirects from {Redaction.RedactUrl(url)}.", status);
                        if (!visited.Add(next.AbsoluteUri))
                            throw Fail(HttpFailure.NetworkError, current, $"Redirect loop back to {Redaction.RedactUrl(next)}.", status);
                        logger.Redirected(hops, Redaction.RedactUrl(current), Redaction.RedactUrl(next));
                        current = next;
                        attempt = 1;
                        continue;
                    }
                    if (IsRetryable(status))
                    {
                        retryAfter = RetryAfter(response, settings.MaxRetryAfter);
                    }
                    else
                    {
                        if (status is 404 or 410) throw Fail(HttpFailure.NotFound, current, $"{Redaction.RedactUrl(current)} answered {status}.", status);
                        if (status is 401 or 403) throw Fail(HttpFailure.Forbidden, current, $"{Redaction.RedactUrl(current)} answered {status}.", status);
                        if (kind is not (RequestKind.Resolve or RequestKind.Hop) && status is < 200 or > 299)
                            throw Fail(HttpFailure.NetworkError, current, $"{Redaction.RedactUrl(current)} answered {status}.", status);
                        if (kind != RequestKind.Page) scope.EndAttemptTimeout();
                        return await readFinal(new FinalResponse(current, response, scope)).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (Classify(ex, scope, cancellationToken) is { } transient)
                {
                    failure = transient;
                    error = ex;
                    status = 0;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    if (FindInner<AddressRefusedException>(ex) is { } refused) logger.AddressRefused(refused.Host);
                    throw Fail(HttpFailure.NetworkError, current, $"GET {Redaction.RedactUrl(current)} failed: {Redaction.Redact(ex.Message)}", null, ex);
                }
                finally
                {
                    gate?.Release();
                }
            }

            if (attempt >= settings.MaxAttempts)
                throw failure == TransientFailure.Status && status == 429
                    ? Fail(HttpFailure.RateLimited, current, $"{Redaction.RedactUrl(current)} answered 429 after {attempt} attempts.", status)
                    : Fail(HttpFailure.NetworkError, current, $"GET {Redaction.RedactUrl(current)} failed after {attempt} attempts: {Describe(failure, status, error)}", status == 0 ? null : status, error);
            var delay = retryAfter ?? backoff.Delay(attempt);
            // The timer exists before the log line, so whoever reads the line knows we are waiting on it.
            var pause = Task.Delay(delay, time, cancellationToken);
            logger.Retrying(attempt + 1, settings.MaxAttempts, Redaction.RedactUrl(current), (long)delay.TotalMilliseconds, failure, status);
            await pause.ConfigureAwait(false);
            attempt++;
        }
    }

    private HttpFetchException Fail(HttpFailure failure, Uri url, string message, int? status, Exception? inner = null)
    {
        logger.RequestFailed(Redaction.RedactUrl(url), failure, status ?? 0);
        return new HttpFetchException(failure, message, status, inner);
    }

    private static HttpRequestMessage CreateRequest(Uri physical, Uri logical, DownloadContext context, HttpOptions settings, Func<HttpContent>? body)
    {
        var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, physical) { Version = HttpVersion.Version11, Content = body?.Invoke() };
        foreach (var (name, value) in context.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        if (!request.Headers.Contains("User-Agent"))
            request.Headers.TryAddWithoutValidation("User-Agent", settings.UserAgent);
        // Cookies follow the logical URL: a page at www.tiktok.com set them for .tiktok.com, wherever the override points.
        var cookies = context.Cookies.GetCookieHeader(logical);
        if (cookies.Length > 0) request.Headers.TryAddWithoutValidation("Cookie", cookies);
        return request;
    }

    private static void StoreCookies(HttpResponseMessage response, Uri logical, CookieContainer cookies)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values)) return;
        foreach (var value in values)
        {
            try
            {
                cookies.SetCookies(logical, value);
            }
            catch (CookieException)
            {
                // A malformed cookie is the site's problem; browsers drop it too.
            }
        }
    }

    internal static bool IsRetryable(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;

    private TimeSpan? RetryAfter(HttpResponseMessage response, TimeSpan max)
    {
        if (response.Headers.RetryAfter is not { } header) return null;
        var wait = header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } value) return null;
        return value < TimeSpan.Zero ? TimeSpan.Zero : value > max ? max : value;
    }

    private static TransientFailure? Classify(Exception ex, AttemptScope scope, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || ex is HttpFetchException or AotBotException) return null;
        if (scope.Expired is { } expired && ex is OperationCanceledException or IOException or HttpRequestException) return expired;
        if (FindInner<AddressRefusedException>(ex) is not null) return null;
        return ex switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => TransientFailure.TruncatedBody,
            HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded
                or HttpRequestError.UserAuthenticationError or HttpRequestError.VersionNegotiationError
                or HttpRequestError.ExtendedConnectNotSupported or HttpRequestError.SecureConnectionError } => null,
            HttpRequestException => TransientFailure.ConnectionFailed,
            HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => TransientFailure.TruncatedBody,
            IOException => TransientFailure.ConnectionFailed,
            _ => null,
        };
    }

    private static string Describe(TransientFailure failure, int status, Exception? error) =>
        failure == TransientFailure.Status ? $"status {status}" : error is null ? failure.ToString() : $"{failure} ({Redaction.Redact(error.Message)})";

    private static TException? FindInner<TException>(Exception? ex) where TException : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is TException found) return found;
        return null;
    }
}
