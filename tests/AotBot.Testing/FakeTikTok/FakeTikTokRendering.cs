using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AotBot.Testing.FakeTikTok;

/// <summary>
/// Renders catalogue posts in the documented shapes (../shared/tiktok-web-format.md): the post page's
/// <c>itemStruct</c> inside <c>__UNIVERSAL_DATA_FOR_REHYDRATION__</c> or <c>SIGI_STATE</c>, and the app API's
/// <c>aweme_detail</c>. Media URLs point at the real CDN host names; the fake serves them through host overrides.
/// </summary>
public static class FakeTikTokRendering
{
    public const string VideoCdnHost = "v16-webapp-prime.tiktok.com";
    public const string AppVideoHost = "v16m.tiktokcdn.com";
    public const string ImageHost = "p16-sign-va.tiktokcdn.com";
    public const string ImageFallbackHost = "p19-sign-va.tiktokcdn.com";
    public const string MusicHost = "sf16-ies-music-va.tiktokcdn.com";

    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.Default };

    public static string VideoUrl(FakeTikTokPost post, string codec) =>
        $"https://{VideoCdnHost}/video/tos/{post.Id}/{codec}.mp4?expire=1900000000&policy=2&signature=fake{codec}";

    public static string AppVideoUrl(FakeTikTokPost post, string codec) => $"https://{AppVideoHost}/aweme/v1/play/{post.Id}/{codec}.mp4";

    public static string CoverUrl(FakeTikTokPost post) => $"https://{ImageHost}/obj/cover/{post.Id}.jpeg?x-expires=1900000000";

    public static string ImageUrl(FakeTikTokPost post, int index, bool fallback = false) => fallback
        ? $"https://{ImageFallbackHost}/photomode/{post.Id}/{index}.jpeg"
        : $"https://{ImageHost}/photomode/{post.Id}/{index}.heic";

    public static string MusicUrl(FakeTikTokPost post) => $"https://{MusicHost}/obj/music/{post.Id}.mp3";

    public static string MusicCoverUrl(FakeTikTokPost post, string size) => $"https://{ImageHost}/obj/music-cover/{post.Id}/{size}.jpeg";

    /// <summary>The HTML of the post page (status and item), in the post's <see cref="FakeTikTokPost.Shape"/>.</summary>
    public static string Page(FakeTikTokPost post)
    {
        JsonObject? item = null;
        if (post.StatusCode == FakeTikTokStatus.Ok)
        {
            item = ItemStruct(post);
            post.EditItem?.Invoke(item);
        }
        var message = post.StatusCode switch
        {
            FakeTikTokStatus.Ok => "",
            FakeTikTokStatus.RegionBlocked => FakeTikTokStatus.RegionMessage,
            FakeTikTokStatus.Private => "author_secret",
            _ => "item doesn't exist",
        };

        if (post.Shape == FakePageShape.SigiState)
        {
            var sigi = new JsonObject
            {
                ["AppContext"] = new JsonObject { ["appContext"] = new JsonObject { ["region"] = "US", ["language"] = "en" } },
                ["VideoPage"] = new JsonObject { ["statusCode"] = post.StatusCode, ["statusMsg"] = message },
                ["ItemModule"] = item is null ? new JsonObject() : new JsonObject { [post.Id] = item },
                ["UserModule"] = new JsonObject(),
            };
            return Html("SIGI_STATE", sigi);
        }

        var detail = new JsonObject { ["statusCode"] = post.StatusCode, ["statusMsg"] = message };
        if (item is not null)
        {
            detail["itemInfo"] = new JsonObject { ["itemStruct"] = item };
            detail["shareMeta"] = new JsonObject { ["title"] = $"{post.Nickname} on TikTok", ["desc"] = post.Description };
        }
        return Html("__UNIVERSAL_DATA_FOR_REHYDRATION__", UniversalData(detail));
    }

    /// <summary>The home page: rehydration data without a <c>webapp.video-detail</c>.</summary>
    public static string HomePage() => Html("__UNIVERSAL_DATA_FOR_REHYDRATION__", UniversalData(detail: null));

    /// <summary>What the firewall serves instead of the page.</summary>
    public static string CaptchaPage() =>
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>Security Check</title></head>
        <body><div id="captcha-verify-container">Verify you are human: drag the slider to fit the puzzle.</div>
        <script src="https://sf16-website-login.neutral.ttwstatic.com/obj/tiktok_web_login_static/captcha.js"></script></body></html>
        """;

    /// <summary>
    /// The "Please wait…" proof-of-work page (~1.5 KB, no rehydration script): <c>cs</c> holds base64 (padding
    /// stripped) of <c>{"v":{"a":prefix,"c":digest},...}</c>, <c>wci</c> the cookie name, <c>rci</c>/<c>rs</c> a second cookie.
    /// </summary>
    public static string ChallengePage(string prefix, string digest, string cookieName, string secondName, string secondValue)
    {
        var json = new JsonObject
        {
            ["v"] = new JsonObject { ["a"] = prefix, ["b"] = 1, ["c"] = digest },
            ["s"] = "pow",
            ["t"] = 1_790_000_000,
            ["d"] = "",
        }.ToJsonString();
        var cs = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=');
        return $$"""
            <!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>Please wait...</title><style>body{font-family:sans-serif;text-align:center;margin-top:20%}.l{color:#888}</style></head>
            <body><p class="l">Please wait...</p>
            <p id="cs" class="{{cs}}"></p><p id="wci" class="{{cookieName}}"></p><p id="rci" class="{{secondName}}"></p><p id="rs" class="{{secondValue}}"></p>
            <script>(function(){var e=document.getElementById("cs").className;/* sha256 search, set cookie, reload */setTimeout(function(){location.reload()},500)})();</script>
            </body></html>
            """;
    }

    /// <summary>The CDN front's block receipt ("Site Maintenance", an error code with a Unix time).</summary>
    public static string MaintenancePage() =>
        """
        <!DOCTYPE html><html><head><title>Site Maintenance</title></head><body><h1>Site Maintenance</h1>
        <p>Oops! Something went wrong, please try again later.</p><p>error code: 0.8c2a4f17.1790000000.3f9e2b1</p></body></html>
        """;

    /// <summary>The login page a logged-out visitor is sent to.</summary>
    public static string LoginPage() =>
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Log in | TikTok</title></head>
        <body><div id="loginContainer">Log in to TikTok</div></body></html>
        """;

    /// <summary>The fallback API's answer for the post: <c>{"status_code":0,"aweme_detail":{...}}</c> or an error.</summary>
    public static string AwemeAnswer(FakeTikTokPost? post, FakeFallbackShape shape = FakeFallbackShape.Detail)
    {
        JsonObject answer;
        if (post is null || post.StatusCode is FakeTikTokStatus.Deleted or FakeTikTokStatus.UnderReview)
        {
            answer = new JsonObject { ["status_code"] = 2053, ["status_msg"] = "This video is unavailable" };
        }
        else if (post.StatusCode == FakeTikTokStatus.RegionBlocked)
        {
            answer = new JsonObject { ["status_code"] = 2054, ["status_msg"] = FakeTikTokStatus.RegionMessage };
        }
        else
        {
            var detail = AwemeDetail(post);
            post.EditAwemeDetail?.Invoke(detail);
            answer = shape == FakeFallbackShape.Details
                ? new JsonObject { ["status_code"] = 0, ["status_msg"] = "", ["aweme_details"] = new JsonArray(detail), ["log_pb"] = new JsonObject { ["impr_id"] = "fake" } }
                : new JsonObject { ["status_code"] = 0, ["status_msg"] = "", ["aweme_detail"] = detail, ["log_pb"] = new JsonObject { ["impr_id"] = "fake" } };
        }
        return answer.ToJsonString(s_json);
    }

    private static JsonObject UniversalData(JsonObject? detail)
    {
        var scope = new JsonObject
        {
            ["webapp.app-context"] = new JsonObject { ["language"] = "en", ["region"] = "US", ["user"] = new JsonObject() },
            ["webapp.biz-context"] = new JsonObject { ["isSearchEngineBot"] = false },
        };
        if (detail is not null) scope["webapp.video-detail"] = detail;
        return new JsonObject { ["__DEFAULT_SCOPE__"] = scope };
    }

    private static string Html(string scriptId, JsonObject data) =>
        $"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>TikTok - Make Your Day</title>
        <link rel="preconnect" href="https://sf16-website-login.neutral.ttwstatic.com"></head><body>
        <script id="{scriptId}" type="application/json">{data.ToJsonString(s_json)}</script>
        <div id="app"></div><script src="https://lf16-tiktok-web.tiktokcdn-us.com/obj/tiktok-web-tx/webapp.js" async></script>
        </body></html>
        """;

    private static JsonObject ItemStruct(FakeTikTokPost post)
    {
        var item = new JsonObject
        {
            ["id"] = post.Id,
            ["desc"] = post.Description,
            ["createTime"] = "1700000000",
            ["author"] = new JsonObject { ["id"] = "6800000000000000000", ["uniqueId"] = post.Username, ["nickname"] = post.Nickname, ["verified"] = false },
            ["stats"] = new JsonObject { ["diggCount"] = post.Likes, ["playCount"] = post.Plays, ["shareCount"] = 12, ["commentCount"] = 34 },
            ["statsV2"] = new JsonObject { ["diggCount"] = post.Likes.ToString(), ["playCount"] = post.Plays.ToString(), ["shareCount"] = "12", ["commentCount"] = "34" },
            ["privateItem"] = false,
            ["secret"] = false,
            ["duetEnabled"] = true,
        };

        if (post.IsPhotoPost)
        {
            item["video"] = new JsonObject { ["id"] = "", ["width"] = 0, ["height"] = 0, ["duration"] = 0, ["playAddr"] = "", ["cover"] = CoverUrl(post) };
            var images = new JsonArray();
            for (var i = 0; i < post.Images!.Count; i++)
            {
                images.Add(new JsonObject
                {
                    ["imageURL"] = new JsonObject { ["urlList"] = new JsonArray(ImageUrl(post, i), ImageUrl(post, i, fallback: true)) },
                    ["imageWidth"] = post.ImageWidth,
                    ["imageHeight"] = post.ImageHeight,
                });
            }
            item["imagePost"] = new JsonObject
            {
                ["images"] = images,
                ["cover"] = new JsonObject { ["imageURL"] = new JsonObject { ["urlList"] = new JsonArray(CoverUrl(post)) } },
                ["title"] = post.Description,
            };
        }
        else
        {
            var (playCodec, codecType) = post.Codecs == FakeVideoCodecs.H264Only ? ("h264", "h264") : ("h265", "h265_hvc1");
            var bitrates = new JsonArray();
            if (post.DashGears)
            {
                bitrates.Add(DashGear(post, "adapt_lowest_1080_1", 1080, 1920));
                bitrates.Add(DashGear(post, "adapt_540_1", 576, 1024));
            }
            if (!post.OnlyDashGears)
            {
                if (post.Codecs != FakeVideoCodecs.H265Only) bitrates.Add(Bitrate(post, "h264", "h264", "normal_540_0", post.DashGears));
                if (post.Codecs != FakeVideoCodecs.H264Only) bitrates.Add(Bitrate(post, "h265", "bytevc1_540p_hvc1", "adapt_lowest_720_1", post.DashGears));
            }
            item["video"] = new JsonObject
            {
                ["id"] = post.Id,
                ["width"] = post.Width,
                ["height"] = post.Height,
                ["duration"] = post.DurationSeconds,
                ["ratio"] = "540p",
                ["format"] = "mp4",
                ["codecType"] = codecType,
                ["cover"] = CoverUrl(post),
                ["originCover"] = CoverUrl(post) + "&origin=1",
                ["dynamicCover"] = CoverUrl(post) + "&dynamic=1",
                ["playAddr"] = VideoUrl(post, playCodec),
                ["downloadAddr"] = VideoUrl(post, playCodec) + "&watermark=1",
                ["bitrateInfo"] = bitrates,
            };
            if (post.OnlyDashGears)
            {
                var video = (JsonObject)item["video"]!;
                video.Remove("playAddr");
                video.Remove("downloadAddr");
            }
            if (post.DashGears)
            {
                // The sound of the dash gears: an entry whose UrlList is an object, named by VideoExtra's audio_file_id.
                item["video"]!["bitrateAudioInfo"] = new JsonArray(new JsonObject
                {
                    ["Bitrate"] = 64_000,
                    ["CodecType"] = "aac",
                    ["FileId"] = $"audio{post.Id}",
                    ["UrlList"] = new JsonObject
                    {
                        ["MainUrl"] = $"https://{VideoCdnHost}/video/tos/{post.Id}/media-audio-und-mp4a/audio.mp4",
                        ["BackupUrl"] = $"https://{VideoCdnHost}/video/tos/{post.Id}/media-audio-und-mp4a/audio.mp4?backup=1",
                    },
                });
                item["video"]!["VideoExtra"] = $$"""{"audio_file_id":"audio{{post.Id}}"}""";
            }
        }

        if (post.Music is { } music)
        {
            item["music"] = new JsonObject
            {
                ["id"] = music.Id,
                ["title"] = music.Title,
                ["playUrl"] = MusicUrl(post),
                ["coverLarge"] = MusicCoverUrl(post, "large"),
                ["coverMedium"] = MusicCoverUrl(post, "medium"),
                ["coverThumb"] = MusicCoverUrl(post, "thumb"),
                ["authorName"] = music.Author,
                ["original"] = true,
                ["duration"] = music.DurationSeconds,
            };
        }
        return item;
    }

    private static JsonObject DashGear(FakeTikTokPost post, string gear, int width, int height) => new()
    {
        ["Bitrate"] = 2_500_000,
        ["QualityType"] = 2,
        ["GearName"] = gear,
        ["CodecType"] = "h264",
        ["Format"] = "dash",
        ["PlayAddr"] = new JsonObject
        {
            ["UrlList"] = new JsonArray($"https://{VideoCdnHost}/video/tos/{post.Id}/media-video-hvc1/{gear}.mp4?expire=1900000000&signature=dash"),
            ["Width"] = width,
            ["Height"] = height,
            ["DataSize"] = FakeMedia.SilentMp4().Length,
        },
    };

    private static JsonObject Bitrate(FakeTikTokPost post, string codec, string codecType, string gear, bool withFormat = false)
    {
        var entry = Bitrate(post, codec, codecType, gear);
        if (withFormat) entry["Format"] = "mp4";
        return entry;
    }

    private static JsonObject Bitrate(FakeTikTokPost post, string codec, string codecType, string gear) => new()
    {
        ["Bitrate"] = 1_000_000,
        ["QualityType"] = 20,
        ["GearName"] = gear,
        ["CodecType"] = codecType,
        ["PlayAddr"] = new JsonObject
        {
            ["UrlList"] = new JsonArray(VideoUrl(post, codec), VideoUrl(post, codec) + "&backup=1"),
            ["Width"] = post.Width,
            ["Height"] = post.Height,
            ["DataSize"] = post.VideoBytes.Length,
        },
    };

    private static JsonObject AwemeDetail(FakeTikTokPost post)
    {
        var detail = new JsonObject
        {
            ["aweme_id"] = post.Id,
            ["desc"] = post.Description,
            ["create_time"] = 1700000000,
            ["aweme_type"] = post.IsPhotoPost ? 150 : 0,
            ["author"] = new JsonObject { ["uid"] = "6800000000000000000", ["unique_id"] = post.Username, ["nickname"] = post.Nickname },
            ["statistics"] = new JsonObject { ["digg_count"] = post.Likes, ["play_count"] = post.Plays, ["share_count"] = 12, ["comment_count"] = 34 },
            ["status"] = new JsonObject { ["is_delete"] = false, ["private_status"] = post.StatusCode == FakeTikTokStatus.Private ? 1 : 0 },
        };
        if (post.IsPhotoPost)
        {
            var images = new JsonArray();
            for (var i = 0; i < post.Images!.Count; i++)
            {
                images.Add(new JsonObject
                {
                    ["display_image"] = new JsonObject
                    {
                        ["url_list"] = new JsonArray(ImageUrl(post, i), ImageUrl(post, i, fallback: true)),
                        ["width"] = post.ImageWidth,
                        ["height"] = post.ImageHeight,
                    },
                });
            }
            detail["image_post_info"] = new JsonObject { ["images"] = images };
            detail["video"] = new JsonObject { ["duration"] = 0, ["cover"] = UrlList(CoverUrl(post)) };
        }
        else
        {
            var video = new JsonObject
            {
                ["width"] = post.Width,
                ["height"] = post.Height,
                ["duration"] = post.DurationSeconds * 1000,
                ["cover"] = UrlList(CoverUrl(post)),
                ["origin_cover"] = UrlList(CoverUrl(post) + "&origin=1"),
                ["bit_rate"] = new JsonArray(),
            };
            if (post.Codecs != FakeVideoCodecs.H264Only)
            {
                video["play_addr"] = AppAddress(post, "h265");
                ((JsonArray)video["bit_rate"]!).Add(new JsonObject { ["bit_rate"] = 900_000, ["gear_name"] = "adapt_540_1", ["is_h265"] = 1, ["play_addr"] = AppAddress(post, "h265") });
            }
            if (post.Codecs != FakeVideoCodecs.H265Only)
            {
                video["play_addr_h264"] = AppAddress(post, "h264");
                ((JsonArray)video["bit_rate"]!).Add(new JsonObject { ["bit_rate"] = 1_000_000, ["gear_name"] = "normal_540_0", ["is_h265"] = 0, ["play_addr"] = AppAddress(post, "h264") });
            }
            detail["video"] = video;
        }
        if (post.Music is { } music)
        {
            detail["music"] = new JsonObject
            {
                ["id"] = long.Parse(music.Id),
                ["id_str"] = music.Id,
                ["title"] = music.Title,
                ["author"] = music.Author,
                ["duration"] = music.DurationSeconds,
                ["play_url"] = new JsonObject { ["uri"] = MusicUrl(post), ["url_list"] = new JsonArray(MusicUrl(post)) },
                ["cover_large"] = UrlList(MusicCoverUrl(post, "large")),
                ["cover_medium"] = UrlList(MusicCoverUrl(post, "medium")),
                ["cover_thumb"] = UrlList(MusicCoverUrl(post, "thumb")),
            };
        }
        return detail;
    }

    private static JsonObject AppAddress(FakeTikTokPost post, string codec) => new()
    {
        ["uri"] = $"v0f044gc0000{post.Id}{codec}",
        ["url_list"] = new JsonArray(AppVideoUrl(post, codec)),
        ["width"] = post.Width,
        ["height"] = post.Height,
        ["data_size"] = post.VideoBytes.Length,
    };

    private static JsonObject UrlList(string url) => new() { ["url_list"] = new JsonArray(url) };
}
