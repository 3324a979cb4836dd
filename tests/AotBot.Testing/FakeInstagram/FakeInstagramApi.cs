using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AotBot.Core;
using AotBot.Testing.FakeTikTok;
using Microsoft.AspNetCore.Http;

namespace AotBot.Testing.FakeInstagram;

/// <summary>One media item of a fake Instagram post.</summary>
public sealed record FakeInstagramMedia(bool IsVideo, byte[] Bytes)
{
    public static FakeInstagramMedia Video(byte[]? bytes = null) => new(true, bytes ?? FakeMedia.Mp4());

    public static FakeInstagramMedia Image(byte[]? bytes = null) => new(false, bytes ?? FakeMedia.Jpeg());
}

/// <summary>
/// A local stand-in for Instagram (the keyless paths: see FakeInstagramSite.cs) and for the downloader API the seed used (RapidAPI style): <c>GET /convert?url=&lt;link&gt;</c>
/// with <c>x-rapidapi-key</c>/<c>x-rapidapi-host</c>, answering <c>{"media":[{"type","url","thumbnail","quality"}]}</c>,
/// plus the media CDN. Reached through <c>Http:HostOverrides</c> (<see cref="Settings"/>).
/// </summary>
public sealed partial class FakeInstagramApi : IAsyncDisposable
{
    public const string ApiHost = "instagram-downloader.test";
    public const string CdnHost = "scontent.cdninstagram.com";
    public const string DefaultKey = "fake-rapidapi-key";

    private readonly ConcurrentDictionary<string, IReadOnlyList<FakeInstagramMedia>> _posts = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentQueue<(string Url, string? Key, string? Host)> _calls = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private LocalKestrel? _server;
    private int _mediaRequests;

    private FakeInstagramApi()
    {
    }

    public Uri BaseUrl => _server?.BaseUrl ?? throw new InvalidOperationException("Not started.");

    /// <summary>The key the API accepts; others get 403.</summary>
    public string Key { get; set; } = DefaultKey;

    /// <summary>Every API call: the <c>url</c> asked for and the key and host headers it carried.</summary>
    public IReadOnlyList<(string Url, string? Key, string? Host)> Calls => [.. _calls];

    public int MediaRequests => Volatile.Read(ref _mediaRequests);

    /// <summary>Every request, as <c>METHOD /path</c>, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<FakeInstagramApi> StartAsync(CancellationToken cancellationToken = default)
    {
        var fake = new FakeInstagramApi();
        fake._server = await LocalKestrel.StartAsync(fake.HandleAsync, cancellationToken);
        return fake;
    }

    /// <summary>Host overrides, private networks, and <c>Instagram:ApiBaseUrl</c>/<c>ApiKey</c> (unless <paramref name="withKey"/> is false).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(bool withKey = true)
    {
        foreach (var host in (string[])[ApiHost, CdnHost, .. SiteHosts])
            yield return new($"Http:HostOverrides:{host}", BaseUrl.AbsoluteUri.TrimEnd('/'));
        yield return new("Http:AllowPrivateNetworks", "true");
        yield return new("Instagram:ApiBaseUrl", $"https://{ApiHost}");
        if (withKey) yield return new("Instagram:ApiKey", Key);
    }

    public string[] CommandLineArgs(bool withKey = true) => [.. Settings(withKey).Select(setting => $"--{setting.Key}={setting.Value}")];

    /// <summary>Adds a post: one video (a reel), one image, or several (a carousel).</summary>
    public Uri Add(string shortcode, params FakeInstagramMedia[] media)
    {
        _posts[shortcode] = media;
        return new Uri($"https://www.instagram.com/p/{shortcode}/");
    }

    /// <summary>Makes the API answer <paramref name="statusCode"/> for this shortcode (404, 429, 500, ...).</summary>
    public void Fail(string shortcode, int statusCode) => _failures[shortcode] = statusCode;

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    // https://www.instagram.com/reel/C4xYz_AbCdE/
    [GeneratedRegex(@"/(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)")]
    private static partial Regex Shortcode();

    // /media/<shortcode>/<n> , /media/<shortcode>/<n>/thumbnail
    [GeneratedRegex(@"^/media/([A-Za-z0-9_-]+)/([0-9]+)(/thumbnail)?$")]
    private static partial Regex MediaPath();

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests.Enqueue($"{context.Request.Method} {path}");
        if (path == "/convert") return ConvertAsync(context);
        if (HandleSite(context, path) is { } site) return site;
        if (MediaPath().Match(path) is { Success: true } media) return MediaAsync(context, media.Groups[1].Value, int.Parse(media.Groups[2].Value), media.Groups[3].Success);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private Task ConvertAsync(HttpContext context)
    {
        var url = context.Request.Query["url"].ToString();
        var key = context.Request.Headers["x-rapidapi-key"].ToString();
        _calls.Enqueue((url, key, context.Request.Headers["x-rapidapi-host"].ToString()));
        if (key != Key)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("""{"message":"You are not subscribed to this API."}""");
        }

        var shortcode = Shortcode().Match(url) is { Success: true } match ? match.Groups[1].Value : "";
        if (_failures.TryGetValue(shortcode, out var status))
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync("""{"error":"failure"}""");
        }
        if (!_posts.TryGetValue(shortcode, out var post))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync("""{"error":"Media not found"}""");
        }

        var media = new JsonArray();
        for (var i = 0; i < post.Count; i++)
        {
            media.Add(new JsonObject
            {
                ["type"] = post[i].IsVideo ? "video" : "image",
                ["url"] = $"https://{CdnHost}/media/{shortcode}/{i}",
                ["thumbnail"] = $"https://{CdnHost}/media/{shortcode}/{i}/thumbnail",
                ["quality"] = post[i].IsVideo ? "720p" : "1080x1350",
            });
        }
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["media"] = media }.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default }));
    }

    private Task MediaAsync(HttpContext context, string shortcode, int index, bool thumbnail)
    {
        Interlocked.Increment(ref _mediaRequests);
        if (!_posts.TryGetValue(shortcode, out var post) || index >= post.Count)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        var bytes = thumbnail ? FakeMedia.Jpeg() : post[index].Bytes;
        context.Response.ContentType = thumbnail || !post[index].IsVideo ? "image/jpeg" : "video/mp4";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }
}
