using AotBot.Http;

namespace AotBot.Sources.TikTok;

/// <summary>
/// Turns either JSON shape of a post into the bot's <see cref="MediaPost"/> records and status codes into typed
/// errors, so the rest of the bot cannot tell which path served it. Required fields are checked here, once.
/// </summary>
internal static class TikTokMapping
{
    public const string SourceName = "tiktok";

    /// <summary>Throws the typed error a non-zero web page <c>statusCode</c> stands for.</summary>
    public static AotBotException PageStatusError(TikTokPostId id, int statusCode, string? statusMessage) => statusCode switch
    {
        _ when MentionsRegion(statusMessage) => new MediaRegionBlockedException($"TikTok post {id} is not available in this region ({statusCode}: {statusMessage})."),
        10231 => new MediaRegionBlockedException($"TikTok post {id} is not available in this region ({statusCode})."),
        10204 => new MediaDeletedException($"TikTok post {id} does not exist ({statusCode})."),
        10216 => new MediaDeletedException($"TikTok post {id} is under review ({statusCode})."),
        10222 => new MediaPrivateException($"TikTok post {id} is private ({statusCode})."),
        _ => new MediaUnavailableException($"TikTok post {id} is not available ({statusCode}: {statusMessage})."),
    };

    /// <summary>The typed error of a fallback API answer without a usable post, or null when it has one.</summary>
    public static AotBotException? ApiStatusError(TikTokPostId id, TikTokApiDetail detail)
    {
        if (MentionsRegion(detail.StatusMessage))
            return new MediaRegionBlockedException($"TikTok post {id} is not available in this region ({detail.StatusCode}: {detail.StatusMessage}).");
        if (detail.StatusCode is 10222 || detail.Item is { IsPrivate: true }
            || detail.StatusMessage?.Contains("private", StringComparison.OrdinalIgnoreCase) == true)
            return new MediaPrivateException($"TikTok post {id} is private.");
        if (detail.StatusCode is not (null or 0) || detail.Item is null || detail.Item.IsDeleted)
            return new MediaDeletedException($"TikTok post {id} does not exist ({detail.StatusCode}: {detail.StatusMessage}).");
        return null;
    }

    // TikTok documents no status code of its own for region blocks; its messages say "region" or "country".
    private static bool MentionsRegion(string? message) =>
        message is not null && (message.Contains("region", StringComparison.OrdinalIgnoreCase)
            || message.Contains("country", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Builds the <see cref="Video"/> or <see cref="Slideshow"/>; throws <see cref="MediaTooLongException"/> for a video
    /// over <paramref name="maxDuration"/> and <see cref="MediaExtractionException"/> when no media URL is there.
    /// </summary>
    public static MediaPost ToPost(TikTokPostId id, ITikTokItem item, DownloadContext download, TimeSpan maxDuration, long maxBytes = long.MaxValue)
    {
        var images = item.Images;
        var username = item.AuthorUsername;
        var author = username is null ? null : new Author(username, item.AuthorNickname);
        var stats = item.Likes is null && item.Plays is null ? null : new PostStats(item.Likes, item.Plays);
        var music = ToMusic(item.Music);
        var user = username ?? "_";

        if (images.Count > 0)
        {
            return new Slideshow
            {
                Source = SourceName,
                PostId = id.Value,
                Link = new Uri($"https://www.tiktok.com/@{Uri.EscapeDataString(user)}/photo/{id}"),
                Author = author,
                Description = item.Description,
                Stats = stats,
                Music = music,
                Download = download,
                Images = [.. images.Select(image => new MediaFile(ToUris(image.Urls), image.Width, image.Height))],
            };
        }

        if (item.IsAgeRestricted) throw new MediaAgeRestrictedException($"TikTok post {id} is age-restricted: its page has no media without a login.");
        var renditions = ChooseRenditions(id, item.Renditions, maxBytes);
        var urls = ToUris(renditions.SelectMany(rendition => rendition.Urls));
        if (urls.Count == 0) throw new MediaExtractionException($"Failed to extract the video URL of TikTok post {id}.");

        var duration = item.Duration ?? TimeSpan.Zero;
        if (duration > maxDuration) throw new MediaTooLongException(duration);

        var width = item.Width ?? renditions[0].Width ?? 0;
        var height = item.Height ?? renditions[0].Height ?? 0;
        var cover = ToUris(item.CoverUrls);
        return new Video
        {
            Source = SourceName,
            PostId = id.Value,
            Link = new Uri($"https://www.tiktok.com/@{Uri.EscapeDataString(user)}/video/{id}"),
            Author = author,
            Description = item.Description,
            Stats = stats,
            Music = music,
            Download = download,
            File = new MediaFile(urls, width, height),
            Width = width,
            Height = height,
            Duration = duration,
            Cover = cover.Count == 0 ? null : new MediaFile(cover),
            Rendition = Describe(renditions[0]),
        };
    }

    /// <summary>
    /// The renditions with sound, best first: H.264 progressive files (largest that fits <paramref name="maxBytes"/> by
    /// <c>DataSize</c>, when known), then unknown codecs, then H.265, then the watermarked <c>downloadAddr</c>. Video-only
    /// (dash) gears, <c>bytevc2</c> and URLs on www.tiktok.com (stubs, not the video) are dropped.
    /// </summary>
    internal static List<TikTokRendition> ChooseRenditions(TikTokPostId id, IReadOnlyList<TikTokRendition> all, long maxBytes)
    {
        var playable = all
            .Where(rendition => rendition.Codec != TikTokCodec.Unplayable)
            .Select(rendition => rendition with { Urls = [.. rendition.Urls.Where(url => !IsPageHostUrl(url))] })
            .Where(rendition => rendition.Urls.Count > 0)
            .ToList();
        var withSound = playable.Where(rendition => rendition.HasSound).ToList();
        if (withSound.Count == 0 && playable.Count > 0)
            throw new MediaExtractionException($"TikTok post {id} has only video-only renditions (sound served apart); the bot does not mux them.");
        return
        [
            .. withSound
                .OrderBy(rendition => rendition.Watermarked)
                .ThenBy(rendition => rendition.Codec)
                .ThenBy(rendition => rendition.DataSize > maxBytes)
                .ThenByDescending(rendition => (long)(rendition.Width ?? 0) * (rendition.Height ?? 0)),
        ];
    }

    private static bool IsPageHostUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Host.Equals("www.tiktok.com", StringComparison.OrdinalIgnoreCase);

    private static VideoRendition Describe(TikTokRendition rendition) => new(
        rendition.Codec switch { TikTokCodec.H264 => "h264", TikTokCodec.H265 => "h265", _ => "unknown" },
        rendition.Width, rendition.Height, rendition.DataSize, rendition.HasSound, rendition.Watermarked);

    private static Music? ToMusic(TikTokMusic? music)
    {
        if (music is null) return null;
        var play = ToUris(music.PlayUrls);
        var cover = ToUris(music.CoverUrls);
        if (play.Count == 0 && music.Title is null) return null;
        return new Music(
            music.Id, music.Title, music.Author, music.Duration ?? TimeSpan.Zero,
            play.Count == 0 ? null : new MediaFile(play), cover.Count == 0 ? null : new MediaFile(cover));
    }

    /// <summary>The absolute http(s) URLs among <paramref name="urls"/>, deduplicated, in order.</summary>
    private static List<Uri> ToUris(IEnumerable<string> urls)
    {
        var result = new List<Uri>();
        foreach (var text in urls)
        {
            if (LinkFinder.TryCreateHttpUrl(text, out var url) && !result.Contains(url)) result.Add(url);
        }
        return result;
    }
}
