using System.Text.Json.Nodes;

namespace AotBot.Testing.FakeTikTok;

/// <summary>Which renditions a fake video offers.</summary>
public enum FakeVideoCodecs
{
    /// <summary>Like most real pages: <c>playAddr</c> is H.265, <c>bitrateInfo</c> has an H.264 and an H.265 rendition.</summary>
    Both,
    H264Only,
    H265Only,
}

/// <summary>Which script the fake page carries the data in.</summary>
public enum FakePageShape
{
    UniversalData,
    SigiState,
}

/// <summary>Status codes of TikTok's web page (<c>webapp.video-detail.statusCode</c>).</summary>
public static class FakeTikTokStatus
{
    public const int Ok = 0;
    public const int Deleted = 10204;
    public const int UnderReview = 10216;
    public const int Private = 10222;

    /// <summary>Region-locked (gallery-dl reads it so).</summary>
    public const int RegionLocked = 10231;

    /// <summary>
    /// TikTok documents no code of its own for region blocks; the fake answers this code with a message naming the
    /// region (<see cref="RegionMessage"/>), which is what the source reads.
    /// </summary>
    public const int RegionBlocked = 10225;

    public const string RegionMessage = "This post is not available in your country or region";
}

/// <summary>
/// A post of the fake TikTok catalogue: a video (default) or, with <see cref="Images"/>, a photo post. Every field
/// has a plausible default; tests set what they assert on.
/// </summary>
public sealed record FakeTikTokPost(string Id)
{
    public string Username { get; init; } = "fakeuser";
    public string Nickname { get; init; } = "Fake User";
    public string Description { get; init; } = "A fake post #fyp";
    public long Likes { get; init; } = 1234;
    public long Plays { get; init; } = 56789;

    /// <summary><c>statusCode</c> of the page; non-zero pages carry no item.</summary>
    public int StatusCode { get; init; } = FakeTikTokStatus.Ok;

    public FakePageShape Shape { get; init; } = FakePageShape.UniversalData;

    public byte[] VideoBytes { get; init; } = FakeMedia.Mp4();
    public int DurationSeconds { get; init; } = 15;
    public int Width { get; init; } = 576;
    public int Height { get; init; } = 1024;
    public FakeVideoCodecs Codecs { get; init; } = FakeVideoCodecs.Both;

    /// <summary>
    /// Video-only 1080p <c>"Format": "dash"</c> gears (H.264, under <c>/media-video-hvc1/</c>, sound in
    /// <c>bitrateAudioInfo</c>) before the mp4 gears, as 2026 pages have them; the CDN serves them as <see cref="FakeMedia.SilentMp4"/>.
    /// </summary>
    public bool DashGears { get; init; }

    /// <summary>With <see cref="DashGears"/>: no progressive rendition at all (no playAddr, downloadAddr or mp4 gear).</summary>
    public bool OnlyDashGears { get; init; }
    public byte[] CoverBytes { get; init; } = FakeMedia.Jpeg();

    /// <summary>The photos of a photo post, in order (HEIC, JPEG or anything: served as given); null for a video.</summary>
    public IReadOnlyList<byte[]>? Images { get; init; }

    public int ImageWidth { get; init; } = 1080;
    public int ImageHeight { get; init; } = 1440;

    /// <summary>The sound of the post; null for none.</summary>
    public FakeTikTokMusic? Music { get; init; } = new();

    /// <summary>Changes the rendered <c>itemStruct</c> (e.g. removes fields) before the page is served.</summary>
    public Action<JsonObject>? EditItem { get; init; }

    /// <summary>Changes the rendered <c>aweme_detail</c> of the fallback API before it is served.</summary>
    public Action<JsonObject>? EditAwemeDetail { get; init; }

    public bool IsPhotoPost => Images is { Count: > 0 };

    /// <summary>The link users paste: <c>https://www.tiktok.com/@user/video/&lt;id&gt;</c> (or <c>/photo/</c>).</summary>
    public Uri Link => new($"https://www.tiktok.com/@{Username}/{(IsPhotoPost ? "photo" : "video")}/{Id}");
}

public sealed record FakeTikTokMusic
{
    public string Id { get; init; } = "7300000000000000001";
    public string Title { get; init; } = "original sound - fakeuser";
    public string Author { get; init; } = "Fake User";
    public int DurationSeconds { get; init; } = 15;
    public byte[] Bytes { get; init; } = FakeMedia.Mp3();
    public byte[] CoverBytes { get; init; } = FakeMedia.Jpeg(512);
}
