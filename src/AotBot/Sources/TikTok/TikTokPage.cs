using System.Text.Json;
using System.Text.RegularExpressions;

namespace AotBot.Sources.TikTok;

/// <summary>
/// The data of a TikTok post page: the JSON of <c>__UNIVERSAL_DATA_FOR_REHYDRATION__</c>
/// (<c>__DEFAULT_SCOPE__["webapp.video-detail"]</c>), or of the older <c>SIGI_STATE</c> (<c>ItemModule</c>).
/// </summary>
internal sealed partial class TikTokPage
{
    private TikTokPage(int? statusCode, string? statusMessage, JsonElement item)
    {
        StatusCode = statusCode;
        StatusMessage = statusMessage;
        Item = item.ValueKind == JsonValueKind.Object ? new TikTokWebItem(item) : null;
    }

    /// <summary><c>statusCode</c>: 0 ok, 10204 deleted, 10216 under review, 10222 private, other: unavailable.</summary>
    public int? StatusCode { get; }

    public string? StatusMessage { get; }

    /// <summary>The post's <c>itemStruct</c>; null when the page has none (status ≠ 0, or a degraded page).</summary>
    public TikTokWebItem? Item { get; }

    // <script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{"__DEFAULT_SCOPE__":{...}}</script>
    [GeneratedRegex("""<script\b[^>]*\bid=["']?__UNIVERSAL_DATA_FOR_REHYDRATION__["']?[^>]*>(.*?)</script>""",
        RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex UniversalDataScript();

    // <script id="SIGI_STATE" type="application/json">{"ItemModule":{"7350810998023949599":{...}}}</script>
    [GeneratedRegex("""<script\b[^>]*\bid=["']?SIGI_STATE["']?[^>]*>(.*?)</script>""",
        RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex SigiStateScript();

    /// <summary>Reads a page; null when it carries no post data (captcha/WAF page, empty body, home page).</summary>
    public static TikTokPage? TryParse(string? html)
    {
        if (string.IsNullOrEmpty(html)) return null;
        return FromUniversalData(ReadScript(UniversalDataScript(), html)) ?? FromSigiState(ReadScript(SigiStateScript(), html));
    }

    private static TikTokPage? FromUniversalData(JsonElement root)
    {
        var detail = root.Object("__DEFAULT_SCOPE__").Object("webapp.video-detail");
        if (!detail.Exists()) return null;
        return new TikTokPage(detail.Int("statusCode") ?? 0, detail.Text("statusMsg"), detail.Object("itemInfo").Object("itemStruct"));
    }

    private static TikTokPage? FromSigiState(JsonElement root)
    {
        var items = root.Object("ItemModule");
        var videoPage = root.Object("VideoPage");
        if (!items.Exists() && !videoPage.Exists()) return null;

        // ItemModule maps the post id to the item; a post page holds that one item.
        var item = default(JsonElement);
        if (items.Exists())
        {
            foreach (var entry in items.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Object) continue;
                item = entry.Value;
                break;
            }
        }
        return new TikTokPage(videoPage.Int("statusCode") ?? 0, videoPage.Text("statusMsg"), item);
    }

    private static JsonElement ReadScript(Regex script, string html)
    {
        var match = script.Match(html);
        if (!match.Success) return default;
        try
        {
            return JsonElement.Parse(match.Groups[1].ValueSpan);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

/// <summary>A web page's <c>itemStruct</c> (camelCase; <c>video.duration</c> in seconds).</summary>
internal sealed class TikTokWebItem(JsonElement item) : ITikTokItem
{
    private JsonElement VideoElement => item.Object("video");

    public string? Id => item.Text("id");

    public string? Description => item.Text("desc");

    // Old SIGI_STATE pages give the author as a plain string and the nickname beside it.
    public string? AuthorUsername => item.Property("author").ValueKind == JsonValueKind.String
        ? item.Text("author")
        : item.Object("author").Text("uniqueId");

    public string? AuthorNickname => item.Object("author").Text("nickname") ?? item.Text("nickname");

    public long? Likes => item.Object("stats").Number("diggCount") ?? item.Object("statsV2").Number("diggCount");

    public long? Plays => item.Object("stats").Number("playCount") ?? item.Object("statsV2").Number("playCount");

    public IReadOnlyList<TikTokImage> Images =>
    [
        .. item.Object("imagePost").Items("images")
            .Select(image => new TikTokImage(image.Object("imageURL").Texts("urlList"), image.Int("imageWidth"), image.Int("imageHeight")))
            .Where(image => image.Urls.Count > 0),
    ];

    public IReadOnlyList<TikTokRendition> Renditions
    {
        get
        {
            var video = VideoElement;
            var codec = TikTokCodecs.Parse(video.Text("codecType"));
            var result = new List<TikTokRendition>();
            if (video.Text("playAddr") is { } play) result.Add(new([play], codec, Width, Height));
            if (video.Text("downloadAddr") is { } download) result.Add(new([download], codec, Width, Height) { Watermarked = true });
            foreach (var bitrate in video.Items("bitrateInfo"))
            {
                var address = bitrate.Object("PlayAddr");
                var urls = address.Texts("UrlList");
                if (urls.Count == 0) continue;
                // "Format": "dash" gears (adapt_*, under /media-video-hvc1/) are video only; "mp4" and older
                // entries without a Format are progressive files with sound.
                var dash = string.Equals(bitrate.Text("Format"), "dash", StringComparison.OrdinalIgnoreCase)
                    || urls.Any(url => url.Contains("/media-video-hvc1/", StringComparison.OrdinalIgnoreCase));
                result.Add(new(urls, TikTokCodecs.Parse(bitrate.Text("CodecType")), address.Int("Width"), address.Int("Height"))
                {
                    DataSize = address.Number("DataSize"),
                    HasSound = !dash,
                });
            }
            return result;
        }
    }

    // A post without video and without photos is what the page gives a logged-out visitor of an adults-only post.
    public bool IsAgeRestricted => item.Flag("isContentClassified") || (!VideoElement.Exists() && !item.Object("imagePost").Exists());

    public int? Width => VideoElement.Int("width");

    public int? Height => VideoElement.Int("height");

    public TimeSpan? Duration => VideoElement.Real("duration") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;

    public IReadOnlyList<string> CoverUrls => [.. new[] { VideoElement.Text("cover"), VideoElement.Text("originCover") }.OfType<string>()];

    public TikTokMusic? Music
    {
        get
        {
            var music = item.Object("music");
            if (!music.Exists()) return null;
            var play = music.Text("playUrl");
            return new TikTokMusic(
                music.Text("id"), music.Text("title"), music.Text("authorName"),
                music.Real("duration") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null,
                play is null ? [] : [play],
                [.. new[] { music.Text("coverLarge"), music.Text("coverMedium"), music.Text("coverThumb") }.OfType<string>()]);
        }
    }
}
