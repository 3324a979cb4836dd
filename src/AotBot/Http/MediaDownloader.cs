using AotBot.Hosting;
using AotBot.Sources;
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

    public MediaDownloader(HttpRequestRunner runner, IOptions<HttpOptions> options, IOptions<LimitsOptions> limits, BotMetrics metrics,
        ILogger<MediaDownloader> logger)
    {
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
                    final => BodyReader.ReadAsync(final, cap, _options.Value.MemoryBufferLimit, _logger), cancellationToken).ConfigureAwait(false);
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
