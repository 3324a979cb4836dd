namespace AotBot.Sources;

/// <summary>Every registered <see cref="IMediaSource"/>; picks the one a link belongs to.</summary>
public sealed class MediaSources(IEnumerable<IMediaSource> sources)
{
    private readonly IMediaSource[] _sources = [.. sources];

    public IReadOnlyList<IMediaSource> All => _sources;

    /// <summary>The source whose link <paramref name="url"/> is, or null (no network).</summary>
    public IMediaSource? Find(Uri url)
    {
        foreach (var source in _sources)
            if (source.IsMatch(url)) return source;
        return null;
    }

    /// <summary>Extracts the post behind <paramref name="url"/> with its source; <see cref="UnsupportedLinkException"/> when none matches.</summary>
    public Task<MediaPost> ExtractAsync(Uri url, CancellationToken cancellationToken) =>
        (Find(url) ?? throw new UnsupportedLinkException("No source supports this link.")).ExtractAsync(url, cancellationToken);

    /// <summary>Like <see cref="ExtractAsync(Uri, CancellationToken)"/>, with the source's steps recorded in <paramref name="trace"/>.</summary>
    public Task<MediaPost> ExtractAsync(Uri url, ExtractionTrace trace, CancellationToken cancellationToken) =>
        (Find(url) ?? throw new UnsupportedLinkException("No source supports this link.")).ExtractAsync(url, trace, cancellationToken);
}
