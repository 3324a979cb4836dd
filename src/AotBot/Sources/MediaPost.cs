using AotBot.Http;

namespace AotBot.Sources;

/// <summary>
/// What a link points at, as the bot sends it: a <see cref="Video"/>, a <see cref="Slideshow"/> or only its
/// <see cref="Music"/>. Sources build these; the rest of the bot never sees a source's JSON.
/// </summary>
public abstract record MediaPost
{
    /// <summary>Which source made it (<c>tiktok</c>, <c>instagram</c>): with <see cref="PostId"/> the post's identity.</summary>
    public required string Source { get; init; }

    /// <summary>The post id (TikTok: 19 digits; Instagram: shortcode). Cache keys and file names use it, never the URL.</summary>
    public required string PostId { get; init; }

    /// <summary>The canonical link to the post, shown in captions.</summary>
    public required Uri Link { get; init; }

    public Author? Author { get; init; }
    public string? Description { get; init; }
    public PostStats? Stats { get; init; }
    public Music? Music { get; init; }

    /// <summary>How media of this post must be fetched (cookies, Referer, proxy of the extraction job).</summary>
    public required DownloadContext Download { get; init; }
}

public sealed record Author(string Username, string? Nickname);

public sealed record PostStats(long? Likes, long? Plays);

public sealed record Video : MediaPost
{
    public required MediaFile File { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public TimeSpan Duration { get; init; }
    public MediaFile? Cover { get; init; }

    /// <summary>What the source knows of the chosen file (codec, size, sound), for operators; null when it knows nothing.</summary>
    public VideoRendition? Rendition { get; init; }
}

/// <summary>The rendition a source chose: <paramref name="Codec"/> like <c>h264</c>, its size when known, whether it has sound.</summary>
public sealed record VideoRendition(string Codec, int? Width, int? Height, long? Bytes, bool HasSound, bool Watermarked);

public sealed record Slideshow : MediaPost
{
    /// <summary>The album's items in order: photos, and videos (<see cref="MediaFile.IsVideo"/>) where a source has mixed albums.</summary>
    public required IReadOnlyList<MediaFile> Images { get; init; }
}

public sealed record Music(string? Id, string? Title, string? Author, TimeSpan Duration, MediaFile? File, MediaFile? Cover);
