using AotBot.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>
/// Media downloads over <see cref="HttpRequestRunner"/>: fallback URLs in order, a byte cap, pooled memory or a temp
/// file, a global cap on downloads in flight (<c>Http:MaxConcurrentDownloads</c>) and a per-job one for batches.
/// </summary>
internal sealed class MediaDownloader : IMediaDownloader, IDisposable
{
    private readonly HttpRequestRunner _runner;
    private readonly IOptions<HttpOptions> _options;
    private readonly IOptions<LimitsOptions> _limits;
    private readonly ILogger<MediaDownloader> _logger;
    private readonly BotMetrics _metrics;
    private readonly SemaphoreSlim _slots;
    private readonly MediaMemory _memory;

    public MediaDownloader(HttpRequestRunner runner, IOptions<HttpOptions> options, IOptions<LimitsOptions> limits, BotMetrics metrics,
        MediaMemory memory, ILogger<MediaDownloader> logger)
    {
        _memory = memory;
        _metrics = metrics;
        _runner = runner;
        _options = options;
        _limits = limits;
        _logger = logger;
        _slots = new SemaphoreSlim(options.Value.MaxConcurrentDownloads);
    }

    public async Task<DownloadedFile> DownloadAsync(MediaFile file, DownloadContext context, CancellationToken cancellationToken, long? maxBytes = null)
    {
        if (file.Urls.Count == 0) throw new ArgumentException("The media file has no URL.", nameof(file));
        var cap = maxBytes ?? _limits.Value.MaxUploadBytes;
        HttpFetchException? first = null;
        for (var i = 0; i < file.Urls.Count; i++)
        {
            try
            {
                var downloaded = await _runner.SendAsync(file.Urls[i], context, RequestKind.Download, _slots,
                    final => ReadMediaAsync(final, cap), cancellationToken).ConfigureAwait(false);
                _metrics.Downloaded(downloaded.Length);
                return downloaded;
            }
            catch (HttpFetchException ex)
            {
                // The primary URL's failure is the one reported; fallbacks are mirrors of the same file.
                first ??= ex;
                if (i + 1 < file.Urls.Count) _logger.FallingBack(Redaction.RedactUrl(file.Urls[i]), ex.Failure, i + 2, file.Urls.Count);
            }
        }
        throw first!.Failure switch
        {
            HttpFailure.RateLimited => new RateLimitedException(first.Message, first),
            HttpFailure.NetworkError => new NetworkException(first.Message, first),
            _ => first,
        };
    }

    /// <summary>
    /// The body, unless it is a web page or an error document rather than media: a CDN's captcha, block or "link
    /// expired" answer comes with status 200, and sending it as the video would hand the user a broken file.
    /// </summary>
    private async Task<DownloadedFile> ReadMediaAsync(FinalResponse final, long cap)
    {
        var declared = final.Message.Content.Headers.ContentType?.MediaType;
        if (IsDocumentType(declared)) throw NotMedia(final.Url, declared!);
        var body = await BodyReader.ReadAsync(final, cap, _options.Value.MemoryBufferLimit, _logger, _memory).ConfigureAwait(false);
        if (await StartsLikeMarkupAsync(body).ConfigureAwait(false))
        {
            await body.DisposeAsync().ConfigureAwait(false);
            throw NotMedia(final.Url, (declared ?? "no type") + " holding HTML");
        }
        return body;
    }

    internal static bool IsDocumentType(string? mediaType) =>
        mediaType is not null && (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the body opens (after whitespace) with an HTML or XML tag: no image, video or audio format does.</summary>
    internal static async Task<bool> StartsLikeMarkupAsync(DownloadedFile body)
    {
        var head = new byte[64];
        int read;
        if (body.Memory is { } memory)
        {
            read = Math.Min(head.Length, memory.Length);
            memory.Span[..read].CopyTo(head);
        }
        else
        {
            await using var stream = body.OpenRead();
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false).ConfigureAwait(false);
        }
        var text = head.AsSpan(0, read);
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..];
        text = text.TrimStart(" \t\r\n"u8);
        return text.Length > 0 && text[0] == (byte)'<'
            && (StartsWithIgnoreCase(text, "<!doctype"u8) || StartsWithIgnoreCase(text, "<html"u8)
                || StartsWithIgnoreCase(text, "<?xml"u8) || StartsWithIgnoreCase(text, "<head"u8) || StartsWithIgnoreCase(text, "<body"u8));

        static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix) =>
            text.Length >= prefix.Length && System.Text.Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);
    }

    private static HttpFetchException NotMedia(Uri url, string what) =>
        new(HttpFailure.NetworkError, $"{Redaction.RedactUrl(url)} answered {what} instead of media.");

    public async Task<IReadOnlyList<DownloadOutcome>> DownloadAllAsync(IReadOnlyList<MediaFile> files, DownloadContext context, CancellationToken cancellationToken)
    {
        var outcomes = new DownloadOutcome[files.Count];
        using var perJob = new SemaphoreSlim(_options.Value.DownloadsPerJob);
        try
        {
            await Task.WhenAll(files.Select(async (file, index) =>
            {
                await perJob.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    outcomes[index] = new DownloadOutcome(await DownloadAsync(file, context, cancellationToken).ConfigureAwait(false), null);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    outcomes[index] = new DownloadOutcome(null, ex);
                }
                finally
                {
                    perJob.Release();
                }
            })).ConfigureAwait(false);
        }
        catch
        {
            // Cancelled: nobody will own the files that did arrive.
            foreach (var outcome in outcomes)
                if (outcome?.File is { } done) await done.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return outcomes;
    }

    public void Dispose() => _slots.Dispose();
}
