namespace AotBot.Sources.TikTok;

/// <summary>
/// One post as either JSON shape carries it (the web page's <c>itemStruct</c> or the app API's <c>aweme_detail</c>),
/// with nullable fields only: <see cref="TikTokMapping"/> turns both into the same <see cref="MediaPost"/>.
/// </summary>
internal interface ITikTokItem
{
    string? Id { get; }
    string? Description { get; }
    string? AuthorUsername { get; }
    string? AuthorNickname { get; }
    long? Likes { get; }
    long? Plays { get; }

    /// <summary>The photos of a photo post, in order; empty for a video.</summary>
    IReadOnlyList<TikTokImage> Images { get; }

    /// <summary>Every rendition in document order, each with its codec and whether it has sound.</summary>
    IReadOnlyList<TikTokRendition> Renditions { get; }

    /// <summary>Whether the post is marked for adults only (<c>isContentClassified</c>): the page serves it to logged-in users only.</summary>
    bool IsAgeRestricted { get; }

    int? Width { get; }
    int? Height { get; }
    TimeSpan? Duration { get; }

    /// <summary>Cover image URLs, best first.</summary>
    IReadOnlyList<string> CoverUrls { get; }

    TikTokMusic? Music { get; }
}

internal sealed record TikTokImage(IReadOnlyList<string> Urls, int? Width, int? Height);

/// <summary>
/// One video file: the URLs it is served at, its codec and size when the JSON gives them, whether it carries sound
/// (a <c>"Format": "dash"</c> gear is video only) and whether it is the watermarked <c>downloadAddr</c>.
/// </summary>
internal sealed record TikTokRendition(IReadOnlyList<string> Urls, TikTokCodec Codec, int? Width = null, int? Height = null)
{
    public long? DataSize { get; init; }
    public bool HasSound { get; init; } = true;
    public bool Watermarked { get; init; }
}

internal sealed record TikTokMusic(
    string? Id, string? Title, string? Author, TimeSpan? Duration, IReadOnlyList<string> PlayUrls, IReadOnlyList<string> CoverUrls);

/// <summary>Codecs in order of preference: not every Telegram client plays H.265.</summary>
internal enum TikTokCodec
{
    H264,
    Unknown,
    H265,
    /// <summary><c>bytevc2</c>: no Telegram client plays it; never chosen.</summary>
    Unplayable,
}

internal static class TikTokCodecs
{
    /// <summary>Reads a codec name as TikTok writes it: <c>h264</c>, <c>h265_hvc1</c>, <c>bytevc1_720p</c>, ...</summary>
    public static TikTokCodec Parse(string? name)
    {
        if (string.IsNullOrEmpty(name)) return TikTokCodec.Unknown;
        if (name.Contains("bytevc2", StringComparison.OrdinalIgnoreCase)) return TikTokCodec.Unplayable;
        if (name.Contains("264", StringComparison.Ordinal) || name.Contains("avc", StringComparison.OrdinalIgnoreCase))
            return TikTokCodec.H264;
        if (name.Contains("265", StringComparison.Ordinal) || name.Contains("bytevc", StringComparison.OrdinalIgnoreCase)
            || name.Contains("hevc", StringComparison.OrdinalIgnoreCase) || name.Contains("hvc", StringComparison.OrdinalIgnoreCase))
            return TikTokCodec.H265;
        return TikTokCodec.Unknown;
    }
}
