using System.Text.Json.Nodes;

namespace AotBot.Tests.Reliability;

/// <summary>
/// Edits of a fake TikTok post's <c>itemStruct</c> that point its media somewhere else: the page still comes from the
/// fake TikTok, the bytes from wherever the URLs say (a fault server, a private address).
/// </summary>
internal static class HostilePosts
{
    /// <summary>Every video URL of the item (playAddr, downloadAddr, each bitrate) becomes one of <paramref name="urls"/>, in order.</summary>
    public static Action<JsonObject> VideoAt(params string[] urls) => item =>
    {
        var video = item["video"]!.AsObject();
        video["playAddr"] = urls[0];
        video.Remove("downloadAddr");
        video["bitrateInfo"] = new JsonArray([.. urls.Skip(1).Select(url => (JsonNode)new JsonObject
        {
            ["CodecType"] = "h264",
            ["PlayAddr"] = new JsonObject { ["UrlList"] = new JsonArray(url) },
        })]);
    };

    /// <summary>The cover and the music's sound and covers at <paramref name="url"/>.</summary>
    public static Action<JsonObject> CoverAndMusicAt(string url) => item =>
    {
        var video = item["video"]!.AsObject();
        video["cover"] = url;
        video["originCover"] = url;
        if (item["music"] is JsonObject music)
        {
            music["playUrl"] = url;
            music["coverLarge"] = url;
            music["coverMedium"] = url;
            music["coverThumb"] = url;
        }
    };

    /// <summary>Image <c>i</c> of a photo post at <paramref name="urls"/>[i] (the last one repeats), with no fallback URL.</summary>
    public static Action<JsonObject> ImagesAt(params string[] urls) => item =>
    {
        var images = item["imagePost"]!["images"]!.AsArray();
        for (var i = 0; i < images.Count; i++)
            images[i]!["imageURL"] = new JsonObject { ["urlList"] = new JsonArray(urls[Math.Min(i, urls.Length - 1)]) };
    };

    public static Action<JsonObject> All(params Action<JsonObject>[] edits) => item =>
    {
        foreach (var edit in edits) edit(item);
    };
}
