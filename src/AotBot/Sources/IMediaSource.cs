namespace AotBot.Sources;

/// <summary>A site the bot can fetch from. A new source is one folder with one implementation of this.</summary>
public interface IMediaSource
{
    /// <summary>Short stable name (<c>tiktok</c>); cache keys and statistics use it.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="url"/> is one of this source's links (no network).</summary>
    bool IsMatch(Uri url);

    /// <summary>Resolves the link (short links included) and extracts the post; throws an <see cref="AotBotException"/> leaf on failure.</summary>
    Task<MediaPost> ExtractAsync(Uri url, CancellationToken cancellationToken);

    /// <summary>Like <see cref="ExtractAsync(Uri, CancellationToken)"/>, recording each step and its outcome in <paramref name="trace"/>.</summary>
    Task<MediaPost> ExtractAsync(Uri url, ExtractionTrace trace, CancellationToken cancellationToken) => ExtractAsync(url, cancellationToken);
}
