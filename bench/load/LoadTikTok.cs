using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using AotBot.Testing.FakeTikTok;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AotBot.Bench.Load;

/// <summary>
/// The TikTok side of the load test: post pages rendered once per post by the tests' <see cref="FakeTikTokRendering"/>,
/// and the CDN's bytes, each answer after a fixed deliberate delay (a page view and a CDN round trip), attributed to
/// the job of the post. No cookie checks: the tests cover those; here only the cost matters.
/// </summary>
internal sealed partial class LoadTikTok : IAsyncDisposable
{
    private readonly JobBook _jobs;
    private readonly TimeSpan _pageDelay;
    private readonly TimeSpan _cdnDelay;
    private readonly ConcurrentDictionary<string, (FakeTikTokPost Post, string Page)> _posts = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private int _requests;

    private LoadTikTok(JobBook jobs, TimeSpan pageDelay, TimeSpan cdnDelay)
    {
        _jobs = jobs;
        _pageDelay = pageDelay;
        _cdnDelay = cdnDelay;
    }

    public static async Task<LoadTikTok> StartAsync(JobBook jobs, TimeSpan pageDelay, TimeSpan cdnDelay)
    {
        var tikTok = new LoadTikTok(jobs, pageDelay, cdnDelay);
        (tikTok._app, tikTok.BaseUrl) = await Loopback.StartAsync(tikTok.HandleAsync);
        return tikTok;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The bot's settings sending every TikTok host here.</summary>
    public IEnumerable<string> BotArgs =>
        FakeTikTokServer.Hosts.Select(host => $"--Http:HostOverrides:{host}={BaseUrl.AbsoluteUri.TrimEnd('/')}")
            .Append("--Http:AllowPrivateNetworks=true");

    public FakeTikTokPost Add(FakeTikTokPost post)
    {
        _posts[post.Id] = (post, FakeTikTokRendering.Page(post));
        return post;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // /@fakeuser/video/7350810998023949599 , /@fakeuser/photo/7350810998023949599
    [GeneratedRegex(@"^/@[^/]*/(?:video|photo)/([0-9]+)/?$")]
    private static partial Regex PagePath();

    // /video/tos/<id>/h264.mp4 , /aweme/v1/play/<id>/h265.mp4 , /photomode/<id>/3.heic , /obj/cover/<id>.jpeg ,
    // /obj/music/<id>.mp3 , /obj/music-cover/<id>/large.jpeg
    [GeneratedRegex(@"^/(video/tos|aweme/v1/play|photomode|obj/cover|obj/music|obj/music-cover)/([0-9]+)(?:/([0-9]+)\.|[./])")]
    private static partial Regex MediaPath();

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Path.Value ?? "/";
        if (PagePath().Match(path) is { Success: true } page && _posts.TryGetValue(page.Groups[1].Value, out var entry))
        {
            await DelayAsync(entry.Post.Id, _pageDelay);
            context.Response.Headers.Append("Set-Cookie", "tt_chain_token=load; Domain=.tiktok.com; Path=/; Max-Age=3600; HttpOnly");
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(entry.Page);
            return;
        }
        if (MediaPath().Match(path) is { Success: true } media && _posts.TryGetValue(media.Groups[2].Value, out entry)
            && Body(entry.Post, media.Groups[1].Value, media.Groups[3].Value) is { } body)
        {
            await DelayAsync(entry.Post.Id, _cdnDelay);
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static byte[]? Body(FakeTikTokPost post, string kind, string index) => kind switch
    {
        "video/tos" or "aweme/v1/play" => post.VideoBytes,
        "photomode" when post.Images is { } images && int.TryParse(index, out var i) && i < images.Count => images[i],
        "obj/cover" => post.CoverBytes,
        "obj/music" => post.Music?.Bytes,
        "obj/music-cover" => post.Music?.CoverBytes,
        _ => null,
    };

    private async Task DelayAsync(string postId, TimeSpan delay)
    {
        var from = Stopwatch.GetTimestamp();
        await Task.Delay(delay);
        _jobs.ForPost(postId)?.AddDelay(from, Stopwatch.GetTimestamp());
    }
}
