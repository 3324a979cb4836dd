using System.Collections.Concurrent;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AotBot.Core;
using Microsoft.AspNetCore.Http;

namespace AotBot.Testing.FakeInstagram;

/// <summary>The keyless paths the bot tries, in order.</summary>
public enum FakeInstagramPath { AppApi, Embed, Graphql }

/// <summary>How a path answers: the post, or one of the ways Instagram refuses.</summary>
public enum FakeInstagramBlock { None, LoginRedirect, HomeRedirect, NotFound, Private }

/// <summary>What a post says besides its media.</summary>
public sealed record FakeInstagramDetails(string? Caption = "a caption #tag", string Username = "some.user", string FullName = "Some User");

/// <summary>
/// The keyless Instagram paths, in the shapes the site answers them: the app API (<c>/api/v1/oembed/</c>,
/// <c>/api/v1/media/&lt;id&gt;/info/</c>, app item JSON; needs <c>x-ig-app-id</c>), the embed page (<c>contextJSON</c>
/// holding <c>gql_data.shortcode_media</c>; albums with several videos lack <c>video_url</c>, as on the site), the post
/// page (<c>lsd</c> token, <c>csrftoken</c> cookie) and <c>POST /api/graphql</c> (three doc ids, three answer shapes;
/// the lsd must match), <c>/share/</c> redirects for a curl-like User-Agent, login redirects and 404s.
/// </summary>
public sealed partial class FakeInstagramApi
{
    public const string AppId = "936619743392459";
    public const string PolarisDocId = "27130156389949648";
    public const string ShortcodeDocId = "8845758582119845";
    public const string WebInfoDocId = "7153618348081770";
    private const string Lsd = "AVqFakeLsdToken";
    private const string Csrf = "fakecsrf0123456789";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>The hosts of the site, overridden to this server by <see cref="Settings"/>.</summary>
    public static readonly string[] SiteHosts = ["www.instagram.com", "instagram.com", "i.instagram.com"];

    private readonly ConcurrentDictionary<FakeInstagramPath, FakeInstagramBlock> _blocks = new();
    private readonly ConcurrentDictionary<string, FakeInstagramDetails> _details = new();
    private readonly ConcurrentDictionary<string, string> _shares = new();

    /// <summary>Makes <paramref name="path"/> answer every post with <paramref name="block"/>.</summary>
    public void Block(FakeInstagramPath path, FakeInstagramBlock block) => _blocks[path] = block;

    /// <summary>Every keyless path answers <paramref name="block"/>.</summary>
    public void BlockAll(FakeInstagramBlock block)
    {
        foreach (var path in Enum.GetValues<FakeInstagramPath>()) Block(path, block);
    }

    /// <summary>Adds a post with a caption and author (<see cref="Add(string, FakeInstagramMedia[])"/> gives the defaults).</summary>
    public Uri Add(string shortcode, FakeInstagramDetails details, params FakeInstagramMedia[] media)
    {
        _details[shortcode] = details;
        return Add(shortcode, media);
    }

    /// <summary>A <c>/share/&lt;token&gt;/</c> link that redirects to <paramref name="target"/>.</summary>
    public Uri AddShare(string token, string target)
    {
        _shares[token] = target;
        return new Uri($"https://www.instagram.com/share/{token}/");
    }

    /// <summary>The media id of a shortcode: base64 over the documented alphabet, the first 11 characters.</summary>
    public static string MediaIdOf(string shortcode)
    {
        var id = BigInteger.Zero;
        foreach (var character in shortcode.Take(11)) id = id * 64 + Alphabet.IndexOf(character);
        return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task? HandleSite(HttpContext context, string path)
    {
        var request = context.Request;
        if (path == "/api/v1/oembed/") return Guarded(context, FakeInstagramPath.AppApi, requireAppId: true, () => OembedAsync(context));
        if (path.StartsWith("/api/v1/media/", StringComparison.Ordinal) && path.EndsWith("/info/", StringComparison.Ordinal))
            return Guarded(context, FakeInstagramPath.AppApi, requireAppId: true, () => InfoAsync(context, path["/api/v1/media/".Length..^"/info/".Length]));
        if (path == "/api/graphql" && request.Method == "POST") return Guarded(context, FakeInstagramPath.Graphql, requireAppId: true, () => GraphqlAsync(context));
        if (path is "/accounts/login/" or "/") return Html(context, "<html><title>Login • Instagram</title></html>");
        if (path.StartsWith("/share/", StringComparison.Ordinal)) return ShareAsync(context, path);

        var segments = path.Trim('/').Split('/');
        if (segments is ["p" or "reel" or "reels" or "tv", var code, "embed", "captioned"])
            return Guarded(context, FakeInstagramPath.Embed, requireAppId: false, () => EmbedAsync(context, code));
        if (segments is ["p" or "reel" or "reels" or "tv", var post])
            return Guarded(context, FakeInstagramPath.Graphql, requireAppId: false, () => PostPageAsync(context, post));
        return null;
    }

    private Task Guarded(HttpContext context, FakeInstagramPath path, bool requireAppId, Func<Task> serve)
    {
        switch (_blocks.GetValueOrDefault(path))
        {
            case FakeInstagramBlock.LoginRedirect:
                context.Response.Redirect("https://www.instagram.com/accounts/login/?next=" + Uri.EscapeDataString(context.Request.Path));
                return Task.CompletedTask;
            case FakeInstagramBlock.HomeRedirect:
                context.Response.Redirect("https://www.instagram.com/");
                return Task.CompletedTask;
            case FakeInstagramBlock.NotFound:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
        }
        if (requireAppId && context.Request.Headers["x-ig-app-id"] != AppId)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Json(context, new JsonObject { ["message"] = "useragent mismatch", ["status"] = "fail" });
        }
        return serve();
    }

    private bool IsPrivate(FakeInstagramPath path) => _blocks.GetValueOrDefault(path) == FakeInstagramBlock.Private;

    private string? ShortcodeOfMediaId(string mediaId) => _posts.Keys.FirstOrDefault(code => MediaIdOf(code) == mediaId);

    private Task OembedAsync(HttpContext context)
    {
        var url = context.Request.Query["url"].ToString();
        var code = Shortcode().Match(url) is { Success: true } match ? match.Groups[1].Value : "";
        if (!_posts.ContainsKey(code))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Json(context, new JsonObject { ["message"] = "No Media Match", ["status"] = "fail" });
        }
        var details = _details.GetValueOrDefault(code) ?? new FakeInstagramDetails();
        return Json(context, new JsonObject
        {
            ["version"] = "1.0",
            ["author_name"] = details.Username,
            ["media_id"] = $"{MediaIdOf(code)}_25025320",
            ["provider_name"] = "Instagram",
            ["type"] = "rich",
            ["thumbnail_url"] = $"https://{CdnHost}/media/{code}/0/thumbnail",
        });
    }

    private Task InfoAsync(HttpContext context, string mediaId)
    {
        if (IsPrivate(FakeInstagramPath.AppApi))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Json(context, new JsonObject { ["message"] = "Media is private", ["status"] = "fail" });
        }
        if (ShortcodeOfMediaId(mediaId) is not { } code)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Json(context, new JsonObject { ["message"] = "Media not found or unavailable", ["status"] = "fail" });
        }
        return Json(context, new JsonObject
        {
            ["items"] = new JsonArray(AppItem(code)),
            ["num_results"] = 1,
            ["more_available"] = false,
            ["status"] = "ok",
        });
    }

    private Task EmbedAsync(HttpContext context, string code)
    {
        if (!_posts.ContainsKey(code) || IsPrivate(FakeInstagramPath.Embed))
        {
            // The site answers a private or missing post with an embed page that has no media in it.
            return Html(context, EmbedHtml(new JsonObject { ["context"] = new JsonObject { ["media_id"] = null }, ["gql_data"] = null }));
        }
        var media = ShortcodeMedia(code, typenamePrefix: "Graph", dropAlbumVideos: true);
        return Html(context, EmbedHtml(new JsonObject
        {
            ["context"] = new JsonObject { ["type"] = "CaptionedEmbed", ["shortcode"] = code },
            ["gql_data"] = new JsonObject { ["shortcode_media"] = media },
            ["extra"] = "ignored",
        }));
    }

    private static string EmbedHtml(JsonObject context)
    {
        var payload = new JsonObject
        {
            ["require"] = new JsonArray(new JsonArray("PolarisEmbedSimple", "init", new JsonArray(),
                new JsonArray(new JsonObject { ["contextJSON"] = context.ToJsonString(), ["hostname"] = "www.instagram.com" }))),
        };
        return "<!DOCTYPE html><html><head><title>Instagram</title></head><body><div class=\"Embed\"></div>"
               + "<script>requireLazy([\"TimeSliceImpl\",\"ServerJS\"],function(TimeSlice,ServerJS){var s=(new ServerJS());s.handle("
               + payload.ToJsonString() + ");});</script></body></html>";
    }

    private Task PostPageAsync(HttpContext context, string code)
    {
        if (!_posts.ContainsKey(code))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Html(context, "<html><title>Page not found • Instagram</title></html>");
        }
        context.Response.Cookies.Append("csrftoken", Csrf, new CookieOptions { Domain = ".instagram.com", Path = "/", Secure = true });
        return Html(context, $$"""<html><script>requireLazy([],function(){new ServerJS().handle({"define":[["LSD",[],{"token":"{{Lsd}}"},323],["Other",[],{},1]]});});</script></html>""");
    }

    private async Task GraphqlAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var lsd = form["lsd"].ToString();
        if (lsd != Lsd || context.Request.Headers["x-fb-lsd"] != Lsd || context.Request.Headers["x-csrftoken"] != Csrf
            || !context.Request.Cookies.TryGetValue("csrftoken", out var cookie) || cookie != Csrf)
        {
            // Without the page's token and cookie the site answers its HTML shell.
            await Html(context, "<html><body>shell</body></html>");
            return;
        }
        var variables = JsonNode.Parse(form["variables"].ToString())!.AsObject();
        var docId = form["doc_id"].ToString();
        string? code = docId == PolarisDocId
            ? ShortcodeOfMediaId(variables["media_id"]?.GetValue<string>() ?? "")
            : variables["shortcode"]?.GetValue<string>() is { } given && _posts.ContainsKey(given) ? given : null;
        var isPrivate = IsPrivate(FakeInstagramPath.Graphql);
        JsonObject data = docId switch
        {
            PolarisDocId => new JsonObject
            {
                ["xig_polaris_media"] = code is null ? null : new JsonObject
                {
                    ["if_not_gated_logged_out"] = isPrivate ? null : new JsonObject { ["items"] = new JsonArray(AppItem(code)) },
                },
            },
            ShortcodeDocId => new JsonObject { ["xdt_shortcode_media"] = code is null || isPrivate ? null : ShortcodeMedia(code, "XDTGraph", dropAlbumVideos: false) },
            WebInfoDocId => new JsonObject
            {
                ["xdt_api__v1__media__shortcode__web_info"] = code is null || isPrivate ? null : new JsonObject { ["items"] = new JsonArray(AppItem(code)) },
            },
            _ => new JsonObject(),
        };
        await Json(context, new JsonObject { ["data"] = data, ["extensions"] = new JsonObject { ["is_final"] = true }, ["status"] = "ok" });
    }

    private Task ShareAsync(HttpContext context, string path)
    {
        var token = path.Trim('/').Split('/')[^1];
        if (!_shares.TryGetValue(token, out var target))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        // A browser gets the app's HTML page; curl gets the redirect.
        if (context.Request.Headers.UserAgent.ToString().Contains("Mozilla", StringComparison.Ordinal))
            return Html(context, "<html><title>Instagram</title><body>Open in app</body></html>");
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = target;
        return Task.CompletedTask;
    }

    private FakeInstagramDetails DetailsOf(string code) => _details.GetValueOrDefault(code) ?? new FakeInstagramDetails();

    private string MediaUrl(string code, int index) => $"https://{CdnHost}/media/{code}/{index}?stp=dst-jpg&_nc_ht=scontent&oh=signed";

    private string ThumbnailUrl(string code, int index) => $"https://{CdnHost}/media/{code}/{index}/thumbnail";

    private JsonObject AppItem(string code)
    {
        var media = _posts[code];
        var details = DetailsOf(code);
        var item = media.Count == 1 ? AppMedia(code, 0, media[0]) : new JsonObject
        {
            ["media_type"] = 8,
            ["carousel_media_count"] = media.Count,
            ["carousel_media"] = new JsonArray([.. media.Select((m, i) => (JsonNode)AppMedia(code, i, m))]),
        };
        item["code"] = code;
        item["pk"] = MediaIdOf(code);
        item["id"] = $"{MediaIdOf(code)}_25025320";
        item["caption"] = details.Caption is null ? null : new JsonObject { ["text"] = details.Caption, ["pk"] = "17900000000000000" };
        item["user"] = new JsonObject { ["username"] = details.Username, ["full_name"] = details.FullName, ["is_private"] = false };
        item["like_count"] = 12;
        return item;
    }

    private JsonObject AppMedia(string code, int index, FakeInstagramMedia media)
    {
        var item = new JsonObject
        {
            ["media_type"] = media.IsVideo ? 2 : 1,
            ["original_width"] = 1080,
            ["original_height"] = 1350,
            ["image_versions2"] = new JsonObject
            {
                ["candidates"] = new JsonArray(
                    new JsonObject { ["url"] = media.IsVideo ? ThumbnailUrl(code, index) : MediaUrl(code, index), ["width"] = 1080, ["height"] = 1350 },
                    new JsonObject { ["url"] = $"https://{CdnHost}/small/{code}/{index}", ["width"] = 320, ["height"] = 400 }),
            },
        };
        if (media.IsVideo)
        {
            item["video_duration"] = 12.5;
            item["video_versions"] = new JsonArray(
                new JsonObject { ["type"] = 101, ["url"] = MediaUrl(code, index), ["width"] = 720, ["height"] = 1280 },
                new JsonObject { ["type"] = 103, ["url"] = $"https://{CdnHost}/small/{code}/{index}", ["width"] = 480, ["height"] = 854 });
        }
        return item;
    }

    private JsonObject ShortcodeMedia(string code, string typenamePrefix, bool dropAlbumVideos)
    {
        var media = _posts[code];
        var details = DetailsOf(code);
        // The embed page of an album with several videos leaves their video_url out.
        var dropVideos = dropAlbumVideos && media.Count(m => m.IsVideo) > 1;
        var root = media.Count == 1 ? WebNode(code, 0, media[0], typenamePrefix, dropVideos) : new JsonObject
        {
            ["__typename"] = typenamePrefix + "Sidecar",
            ["is_video"] = false,
            ["display_url"] = ThumbnailUrl(code, 0),
            ["dimensions"] = new JsonObject { ["height"] = 1350, ["width"] = 1080 },
            ["edge_sidecar_to_children"] = new JsonObject
            {
                ["edges"] = new JsonArray([.. media.Select((m, i) => (JsonNode)new JsonObject { ["node"] = WebNode(code, i, m, typenamePrefix, dropVideos) })]),
            },
        };
        root["shortcode"] = code;
        root["id"] = MediaIdOf(code);
        root["owner"] = new JsonObject { ["username"] = details.Username, ["full_name"] = details.FullName, ["is_private"] = false };
        root["edge_media_to_caption"] = new JsonObject
        {
            ["edges"] = details.Caption is null ? new JsonArray() : new JsonArray(new JsonObject { ["node"] = new JsonObject { ["text"] = details.Caption } }),
        };
        return root;
    }

    private JsonObject WebNode(string code, int index, FakeInstagramMedia media, string typenamePrefix, bool dropVideo)
    {
        var node = new JsonObject
        {
            ["__typename"] = typenamePrefix + (media.IsVideo ? "Video" : "Image"),
            ["is_video"] = media.IsVideo,
            ["display_url"] = media.IsVideo ? ThumbnailUrl(code, index) : MediaUrl(code, index),
            ["dimensions"] = new JsonObject { ["height"] = media.IsVideo ? 1280 : 1350, ["width"] = media.IsVideo ? 720 : 1080 },
        };
        if (media.IsVideo)
        {
            node["video_duration"] = 12.5;
            if (!dropVideo) node["video_url"] = MediaUrl(code, index);
        }
        return node;
    }

    private static Task Html(HttpContext context, string html)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html);
    }

    private static Task Json(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default }));
    }
}
