using System.Text.Json;

namespace AotBot.Sources.TikTok;

/// <summary>
/// An answer of the fallback API in the app API's shape: <c>{"aweme_detail": {...}}</c>, or a list of such objects
/// under <c>aweme_list</c> or <c>aweme_details</c> (the app's <c>multi/aweme/detail</c> endpoint), with <c>status_code</c>/<c>status_msg</c> beside it.
/// </summary>
internal sealed class TikTokApiDetail
{
    private TikTokApiDetail(int? statusCode, string? statusMessage, JsonElement item)
    {
        StatusCode = statusCode;
        StatusMessage = statusMessage;
        Item = item.ValueKind == JsonValueKind.Object ? new TikTokApiItem(item) : null;
    }

    /// <summary><c>status_code</c>: 0 (or absent) ok; anything else means the post is gone or not served.</summary>
    public int? StatusCode { get; }

    public string? StatusMessage { get; }

    /// <summary>The post; null when the answer has none (a missing or deleted post).</summary>
    public TikTokApiItem? Item { get; }

    /// <summary>Reads an answer; null when it is not a JSON object (an HTML error page, a truncated body).</summary>
    public static TikTokApiDetail? TryParse(string? json, TikTokPostId id)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        JsonElement root;
        try
        {
            root = JsonElement.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
        if (root.ValueKind != JsonValueKind.Object) return null;

        var item = root.Object("aweme_detail");
        if (!item.Exists())
        {
            foreach (var candidate in root.Items("aweme_details").Concat(root.Items("aweme_list")))
            {
                if (candidate.ValueKind != JsonValueKind.Object) continue;
                if (candidate.Text("aweme_id") == id.Value)
                {
                    item = candidate;
                    break;
                }
                if (!item.Exists()) item = candidate;
            }
        }
        return new TikTokApiDetail(root.Int("status_code"), root.Text("status_msg"), item);
    }
}

/// <summary>An <c>aweme_detail</c> object (snake_case; <c>video.duration</c> in milliseconds).</summary>
internal sealed class TikTokApiItem(JsonElement item) : ITikTokItem
{
    private JsonElement VideoElement => item.Object("video");

    public string? Id => item.Text("aweme_id");

    public string? Description => item.Text("desc");

    public string? AuthorUsername => item.Object("author").Text("unique_id");

    public string? AuthorNickname => item.Object("author").Text("nickname");

    public long? Likes => item.Object("statistics").Number("digg_count");

    public long? Plays => item.Object("statistics").Number("play_count");

    /// <summary><c>status.is_delete</c>.</summary>
    public bool IsDeleted => item.Object("status").Flag("is_delete");

    /// <summary><c>status.private_status</c> ≠ 0 (private or friends only).</summary>
    public bool IsPrivate => item.Object("status").Flag("private_status");

    public IReadOnlyList<TikTokImage> Images =>
    [
        .. item.Object("image_post_info").Items("images")
            .Select(image => image.Object("display_image"))
            .Select(image => new TikTokImage(image.Texts("url_list"), image.Int("width"), image.Int("height")))
            .Where(image => image.Urls.Count > 0),
    ];

    public IReadOnlyList<TikTokRendition> Renditions
    {
        get
        {
            var video = VideoElement;
            var result = new List<TikTokRendition>();
            Add(video.Object("play_addr_h264"), TikTokCodec.H264);
            Add(video.Object("play_addr"), TikTokCodec.Unknown);
            Add(video.Object("download_addr"), TikTokCodec.Unknown, watermarked: true);
            foreach (var bitrate in video.Items("bit_rate"))
            {
                var codec = bitrate.Property("is_h265").Exists()
                    ? bitrate.Flag("is_h265") ? TikTokCodec.H265 : TikTokCodec.H264
                    : TikTokCodecs.Parse(bitrate.Text("gear_name"));
                Add(bitrate.Object("play_addr"), codec);
            }
            return result;

            void Add(JsonElement address, TikTokCodec codec, bool watermarked = false)
            {
                var urls = address.Texts("url_list");
                if (urls.Count > 0)
                    result.Add(new(urls, codec, address.Int("width"), address.Int("height")) { DataSize = address.Number("data_size"), Watermarked = watermarked });
            }
        }
    }

    public bool IsAgeRestricted => false;

    public int? Width => VideoElement.Int("width");

    public int? Height => VideoElement.Int("height");

    public TimeSpan? Duration => VideoElement.Real("duration") is { } milliseconds and > 0 ? TimeSpan.FromMilliseconds(milliseconds) : null;

    public IReadOnlyList<string> CoverUrls =>
        [.. VideoElement.Object("cover").Texts("url_list"), .. VideoElement.Object("origin_cover").Texts("url_list")];

    public TikTokMusic? Music
    {
        get
        {
            var music = item.Object("music");
            if (!music.Exists()) return null;
            return new TikTokMusic(
                music.Text("id_str") ?? music.Text("id"), music.Text("title"), music.Text("author"),
                music.Real("duration") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null,
                music.Object("play_url").Texts("url_list"),
                [
                    .. music.Object("cover_large").Texts("url_list"),
                    .. music.Object("cover_medium").Texts("url_list"),
                    .. music.Object("cover_thumb").Texts("url_list"),
                ]);
        }
    }
}
