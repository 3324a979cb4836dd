
namespace AotBot.Http;

/// <summary>
/// Downloads media files with the job's cookies, headers and proxy, under the byte cap, with retries.
/// Throws <see cref="MediaTooLargeException"/>, <see cref="NetworkException"/> or <see cref="RateLimitedException"/>,
/// and <see cref="HttpFetchException"/> with <see cref="HttpFailure.NotFound"/> or <see cref="HttpFailure.Forbidden"/>.
/// </summary>
public interface IMediaDownloader
{
    /// <summary>Downloads one file, trying its URLs in order. Bodies over <c>Http:MemoryBufferLimit</c> spill to a temp file.</summary>
    Task<DownloadedFile> DownloadAsync(MediaFile file, DownloadContext context, CancellationToken cancellationToken, long? maxBytes = null);

    /// <summary>Downloads several files with bounded concurrency; results keep input order; one failure does not fail the rest.</summary>
    Task<IReadOnlyList<DownloadOutcome>> DownloadAllAsync(IReadOnlyList<MediaFile> files, DownloadContext context, CancellationToken cancellationToken);
}

/// <summary>One file of <see cref="IMediaDownloader.DownloadAllAsync"/>: the file, or why it failed.</summary>
public sealed record DownloadOutcome(DownloadedFile? File, Exception? Error);

/// <summary>
/// A downloaded body, in pooled memory or in a temp file. Owns both; dispose it when the job ends (the temp file is deleted).
/// </summary>
public abstract class DownloadedFile : IAsyncDisposable, IDisposable
{
    /// <summary>Body length in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>The Content-Type the server gave, if any (never trusted for format: sniff the bytes).</summary>
    public abstract string? ContentType { get; }

    /// <summary>The body in memory, or null when it spilled to disk.</summary>
    public abstract ReadOnlyMemory<byte>? Memory { get; }

    /// <summary>A new read stream over the whole body (memory or file); each call starts at 0.</summary>
    public abstract Stream OpenRead();

    public abstract ValueTask DisposeAsync();
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
