using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AotBot.Core;
using Microsoft.AspNetCore.Http;

namespace AotBot.Testing.FakeTikTok;

/// <summary>What the fake answers instead of a post page while pages are blocked.</summary>
public enum FakeTikTokBlock
{
    /// <summary>200 with a "verify you are human" page.</summary>
    Captcha,
    /// <summary>200 with an empty body.</summary>
    EmptyBody,
    /// <summary>302 to the home page.</summary>
    RedirectHome,
    /// <summary>403.</summary>
    Forbidden,
    /// <summary>302 to <c>/login?redirect_url=&lt;the post URL&gt;</c>.</summary>
    LoginRedirect,
}

/// <summary>Whether the fake serves TikTok's proof-of-work page ("Please wait…") before post pages.</summary>
public enum FakeChallengeMode
{
    Off,
    /// <summary>Until the request carries a correct answer cookie (the fake checks the SHA-256).</summary>
    UntilSolved,
    /// <summary>Always, even to a correct answer: a challenge that stays.</summary>
    Stays,
}

/// <summary>Which shape the fake fallback API answers in.</summary>
public enum FakeFallbackShape
{
    /// <summary><c>{"aweme_detail": {...}}</c></summary>
    Detail,
    /// <summary><c>{"aweme_details": [{...}]}</c> (TikTok's multi/aweme/detail).</summary>
    Details,
}

/// <summary>How the fake fallback API (<c>aweme_detail</c> shape) behaves.</summary>
public enum FakeFallbackMode
{
    Serve,
    /// <summary>200 with the captcha page instead of JSON.</summary>
    Captcha,
    Forbidden,
    ServerError,
}

/// <summary>
/// A local stand-in for www.tiktok.com (post pages, home, /notfound, /t/ short links), vm/vt.tiktok.com short links,
/// the video/image/music CDN hosts and a fallback API in the <c>aweme_detail</c> shape, on 127.0.0.1 and a free port.
/// The bot reaches it through <c>Http:HostOverrides</c> (<see cref="Settings"/>). Posts come from a catalogue the
/// test fills; the page sets a <c>tt_chain_token</c> cookie and the video CDN answers 403 without it.
/// </summary>
public sealed partial class FakeTikTokServer : IAsyncDisposable
{
    public const string FallbackApiHost = "tiktok-fallback-api.test";
    public const string FallbackApiUrl = $"https://{FallbackApiHost}/aweme/v1/detail";
    public const string ChainTokenCookie = "tt_chain_token";
    public const string ChallengeCookie = "_wafchallengeid";
    public const string ChallengeSecondCookie = "waforiginalreid";

    /// <summary>The "Site Maintenance" receipt of TikTok's CDN front (served to blocked User-Agents).</summary>
    public const string MaintenanceMarker = "Site Maintenance";

    /// <summary>Every host the fake plays; each needs a host override.</summary>
    public static IReadOnlyList<string> Hosts { get; } =
    [
        "www.tiktok.com", "m.tiktok.com", "tiktok.com", "vm.tiktok.com", "vt.tiktok.com",
        FakeTikTokRendering.VideoCdnHost, FakeTikTokRendering.AppVideoHost, FakeTikTokRendering.ImageHost,
        FakeTikTokRendering.ImageFallbackHost, FakeTikTokRendering.MusicHost, FallbackApiHost,
    ];

    private readonly ConcurrentDictionary<string, FakeTikTokPost> _posts = new();
    private readonly ConcurrentDictionary<string, string> _shortLinks = new();
    private readonly ConcurrentDictionary<string, byte> _issuedTokens = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly ConcurrentQueue<string> _log = new();
    private LocalKestrel? _server;
    private int _blockedPagesLeft;
    private int _heldMedia;
    private readonly Lock _gateLock = new();
    private TaskCompletionSource _mediaGate = OpenGate();
    private int _pageRequests, _cdnRequests, _fallbackRequests, _shortLinkRequests, _refusedCdnRequests;
    private int _challengePages, _challengesPassed, _wrongAnswers;
    private readonly ConcurrentDictionary<string, string> _puzzles = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _pageHeaders = new();
    private volatile string[] _blockedAgents = [];

    private FakeTikTokServer()
    {
    }

    /// <summary>The physical address (<c>http://127.0.0.1:port</c>).</summary>
    public Uri BaseUrl => _server?.BaseUrl ?? throw new InvalidOperationException("Not started.");

    /// <summary>What blocked pages get; see <see cref="BlockPages"/>.</summary>
    public FakeTikTokBlock Block { get; private set; }

    public FakeFallbackMode FallbackMode { get; set; } = FakeFallbackMode.Serve;

    /// <summary>When set, the fallback API answers 401 unless this key comes in <see cref="FallbackKeyHeader"/>.</summary>
    public string? FallbackKey { get; set; }

    public string FallbackKeyHeader { get; set; } = "x-api-key";

    /// <summary>Whether the video CDN also wants a <c>Referer</c> of www.tiktok.com (it always wants the cookie).</summary>
    public bool RequireReferer { get; set; } = true;

    public int PageRequests => Volatile.Read(ref _pageRequests);

    public FakeChallengeMode Challenge { get; set; }

    /// <summary>The answer i (0..1,000,000) every puzzle the fake issues wants.</summary>
    public int ChallengeAnswer { get; set; } = 4242;

    /// <summary>Proof-of-work pages served.</summary>
    public int ChallengePages => Volatile.Read(ref _challengePages);

    /// <summary>Post page requests that carried a correct answer.</summary>
    public int ChallengesPassed => Volatile.Read(ref _challengesPassed);

    /// <summary>Post page requests that carried an answer cookie that does not verify.</summary>
    public int WrongAnswers => Volatile.Read(ref _wrongAnswers);

    public FakeFallbackShape FallbackShape { get; set; } = FakeFallbackShape.Detail;

    /// <summary>The method of each fallback API call (GET, POST), in order.</summary>
    public IReadOnlyList<string> FallbackMethods => [.. _fallbackMethods];

    private readonly ConcurrentQueue<string> _fallbackMethods = new();

    /// <summary>The headers of each post page request, in order (names lower-case).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> PageRequestHeaders => [.. _pageHeaders];

    /// <summary>Post page requests whose User-Agent contains one of <paramref name="fragments"/> get the "Site Maintenance" receipt.</summary>
    public void BlockUserAgents(params string[] fragments) => _blockedAgents = fragments;

    /// <summary>Requests to the media hosts (video, image, music, covers), refused ones included.</summary>
    public int CdnRequests => Volatile.Read(ref _cdnRequests);

    /// <summary>Media requests answered 403 for lack of the page's cookie or Referer.</summary>
    public int RefusedCdnRequests => Volatile.Read(ref _refusedCdnRequests);

    public int FallbackRequests => Volatile.Read(ref _fallbackRequests);

    public int ShortLinkRequests => Volatile.Read(ref _shortLinkRequests);

    /// <summary>Requests per path (without query), e.g. <c>/video/tos/&lt;id&gt;/h264.mp4</c>.</summary>
    public int Count(string path) => _requests.GetValueOrDefault(path);

    /// <summary>Every request as <c>"GET /path?query status"</c>, in order.</summary>
    public IReadOnlyList<string> RequestLog => [.. _log];

    public static async Task<FakeTikTokServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var fake = new FakeTikTokServer();
        fake._server = await LocalKestrel.StartAsync(fake.HandleAsync, cancellationToken);
        return fake;
    }

    /// <summary><c>Http:HostOverrides</c> entries sending every TikTok host to this fake.</summary>
    public IReadOnlyDictionary<string, string> HostOverrides =>
        Hosts.ToDictionary(host => host, _ => BaseUrl.AbsoluteUri.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The configuration that points the bot at this fake: host overrides, private networks allowed, and (unless
    /// <paramref name="withFallbackApi"/> is false) <c>TikTok:ApiFallbackUrl</c> and its key.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(bool withFallbackApi = true)
    {
        foreach (var (host, target) in HostOverrides)
            yield return new($"Http:HostOverrides:{host}", target);
        yield return new("Http:AllowPrivateNetworks", "true");
        if (!withFallbackApi) yield break;
        yield return new("TikTok:ApiFallbackUrl", FallbackApiUrl);
        if (FallbackKey is not null)
        {
            yield return new("TikTok:ApiFallbackKey", FallbackKey);
            yield return new("TikTok:ApiFallbackKeyHeader", FallbackKeyHeader);
        }
    }

    /// <summary><see cref="Settings"/> as command-line arguments (<c>--Key=value</c>).</summary>
    public string[] CommandLineArgs(bool withFallbackApi = true) =>
        [.. Settings(withFallbackApi).Select(setting => $"--{setting.Key}={setting.Value}")];

    /// <summary>Adds or replaces a post of the catalogue.</summary>
    public FakeTikTokPost Add(FakeTikTokPost post)
    {
        _posts[post.Id] = post;
        return post;
    }

    /// <summary>
    /// Registers a short link (<c>https://vm.tiktok.com/ZMabc/</c>, <c>https://vt.tiktok.com/ZSabc/</c> or
    /// <c>https://www.tiktok.com/t/ZTabc/</c>) that redirects to <paramref name="target"/>.
    /// </summary>
    /// <param name="viaLogin">Redirect to <c>/login?redirect_url=&lt;target&gt;</c> instead, as TikTok does to some visitors.</param>
    public Uri AddShortLink(string shortLink, Uri target, bool viaLogin = false)
    {
        var link = new Uri(shortLink);
        _shortLinks[ShortCode(link.AbsolutePath) ?? throw new ArgumentException("Not a short link path.", nameof(shortLink))] =
            viaLogin ? LoginUrl(target) : target.AbsoluteUri;
        return link;
    }

    private static string LoginUrl(Uri target) => $"https://www.tiktok.com/login?redirect_url={Uri.EscapeDataString(target.AbsoluteUri)}&lang=en&enter_method=mandatory";

    /// <summary>Answers the next <paramref name="count"/> post-page requests with <paramref name="block"/> instead of the page.</summary>
    public void BlockPages(FakeTikTokBlock block, int count = int.MaxValue)
    {
        Block = block;
        Volatile.Write(ref _blockedPagesLeft, count);
    }

    /// <summary>Media requests waiting at the gate of <see cref="HoldMedia"/>, half their body sent.</summary>
    public int HeldMediaRequests => Volatile.Read(ref _heldMedia);

    /// <summary>
    /// From now on, media answers (video, images, music, covers) send their headers and half their body, then wait
    /// until <see cref="ReleaseMedia"/>: a slow CDN, for catching the bot mid-download.
    /// </summary>
    public void HoldMedia()
    {
        lock (_gateLock)
        {
            if (_mediaGate.Task.IsCompleted) _mediaGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets held media answers finish, and later ones go through at once.</summary>
    public void ReleaseMedia()
    {
        lock (_gateLock) _mediaGate.TrySetResult();
    }

    /// <summary>Zeroes every counter and the request log (the catalogue stays).</summary>
    public void ResetCounters()
    {
        _requests.Clear();
        _log.Clear();
        _pageRequests = _cdnRequests = _fallbackRequests = _shortLinkRequests = _refusedCdnRequests = 0;
        _challengePages = _challengesPassed = _wrongAnswers = 0;
        _pageHeaders.Clear();
        _fallbackMethods.Clear();
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    // /@fakeuser/video/7350810998023949599 , /@_/photo/7350810998023949599
    [GeneratedRegex(@"^/@[^/]*/(?:video|photo)/([0-9]+)/?$")]
    private static partial Regex PagePath();

    // /ZMabc123/ (vm/vt.tiktok.com) , /t/ZTabc123/ (www.tiktok.com)
    [GeneratedRegex(@"^/(?:t/)?([A-Za-z0-9_-]{5,20})/?$")]
    private static partial Regex ShortLinkPath();

    // /video/tos/<id>/media-video-hvc1/adapt_lowest_1080_1.mp4 (video-only dash gears)
    [GeneratedRegex(@"^/video/tos/([0-9]+)/media-video-hvc1/[A-Za-z0-9_]+\.mp4$")]
    private static partial Regex DashPath();

    // /video/tos/<id>/h264.mp4 , /aweme/v1/play/<id>/h265.mp4
    [GeneratedRegex(@"^/(video/tos|aweme/v1/play)/([0-9]+)/(h264|h265)\.mp4$")]
    private static partial Regex VideoPath();

    // /photomode/<id>/<n>.heic , /photomode/<id>/<n>.jpeg
    [GeneratedRegex(@"^/photomode/([0-9]+)/([0-9]+)\.(heic|jpeg)$")]
    private static partial Regex ImagePath();

    // /obj/cover/<id>.jpeg , /obj/music/<id>.mp3 , /obj/music-cover/<id>/large.jpeg
    [GeneratedRegex(@"^/obj/(cover|music|music-cover)/([0-9]+)(?:/[a-z]+)?\.(?:jpeg|mp3)$")]
    private static partial Regex ObjectPath();

    private static string? ShortCode(string path) => ShortLinkPath().Match(path) is { Success: true } match ? match.Groups[1].Value : null;

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests.AddOrUpdate(path, 1, (_, count) => count + 1);
        try
        {
            await RouteAsync(context, path);
        }
        finally
        {
            _log.Enqueue($"{context.Request.Method} {path}{context.Request.QueryString} {context.Response.StatusCode}");
        }
    }

    private Task RouteAsync(HttpContext context, string path)
    {
        if (path is "/aweme/v1/detail" or "/aweme/v1/multi/aweme/detail/") return FallbackApiAsync(context);
        if (path.StartsWith("/login", StringComparison.Ordinal)) return HtmlAsync(context, FakeTikTokRendering.LoginPage());
        if (DashPath().Match(path) is { Success: true } dash) return DashVideoAsync(context, dash.Groups[1].Value);
        if (PagePath().Match(path) is { Success: true } page) return PostPageAsync(context, page.Groups[1].Value);
        if (VideoPath().Match(path) is { Success: true } video) return VideoAsync(context, video.Groups[2].Value, appApi: video.Groups[1].Value == "aweme/v1/play");
        if (ImagePath().Match(path) is { Success: true } image) return ImageAsync(context, image.Groups[1].Value, int.Parse(image.Groups[2].Value), image.Groups[3].Value);
        if (ObjectPath().Match(path) is { Success: true } obj) return ObjectAsync(context, obj.Groups[1].Value, obj.Groups[2].Value);
        if (path is "/" or "/foryou") return HtmlAsync(context, FakeTikTokRendering.HomePage());
        if (path.StartsWith("/notfound", StringComparison.Ordinal)) return HtmlAsync(context, FakeTikTokRendering.HomePage());
        if (ShortCode(path) is { } code) return ShortLinkAsync(context, code);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private Task PostPageAsync(HttpContext context, string id)
    {
        Interlocked.Increment(ref _pageRequests);
        _pageHeaders.Enqueue(context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
        var agent = context.Request.Headers.UserAgent.ToString();
        if (_blockedAgents.Any(fragment => agent.Contains(fragment, StringComparison.Ordinal)))
            return HtmlAsync(context, FakeTikTokRendering.MaintenancePage());
        if (Challenge != FakeChallengeMode.Off)
        {
            var passed = VerifyAnswer(context.Request);
            if (passed) Interlocked.Increment(ref _challengesPassed);
            if (!passed || Challenge == FakeChallengeMode.Stays) return ChallengePageAsync(context);
        }
        if (Interlocked.Decrement(ref _blockedPagesLeft) >= 0)
        {
            switch (Block)
            {
                case FakeTikTokBlock.LoginRedirect:
                    return RedirectAsync(context, LoginUrl(new Uri($"https://www.tiktok.com/@_/video/{id}")));
                case FakeTikTokBlock.Captcha:
                    return HtmlAsync(context, FakeTikTokRendering.CaptchaPage());
                case FakeTikTokBlock.EmptyBody:
                    context.Response.ContentType = "text/html; charset=utf-8";
                    return Task.CompletedTask;
                case FakeTikTokBlock.RedirectHome:
                    return RedirectAsync(context, "https://www.tiktok.com/");
                default:
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return context.Response.WriteAsync("Access Denied");
            }
        }
        Interlocked.Exchange(ref _blockedPagesLeft, 0);

        // A token per page view, as the real site does; the CDN accepts only issued tokens.
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _issuedTokens[token] = 0;
        context.Response.Headers.Append("Set-Cookie", $"{ChainTokenCookie}={token}; Domain=.tiktok.com; Path=/; Max-Age=3600; HttpOnly");
        context.Response.Headers.Append("Set-Cookie", "ttwid=1%7Cfake; Domain=.tiktok.com; Path=/; Max-Age=3600; HttpOnly");

        // Unknown ids get the deleted-post page, like the real site.
        var post = _posts.GetValueOrDefault(id) ?? new FakeTikTokPost(id) { StatusCode = FakeTikTokStatus.Deleted };
        return HtmlAsync(context, FakeTikTokRendering.Page(post));
    }

    /// <summary>A fresh puzzle: random prefix, the digest of prefix ‖ <see cref="ChallengeAnswer"/>, remembered for checking.</summary>
    private Task ChallengePageAsync(HttpContext context)
    {
        Interlocked.Increment(ref _challengePages);
        var prefix = RandomNumberGenerator.GetBytes(16);
        var digest = SHA256.HashData([.. prefix, .. System.Text.Encoding.ASCII.GetBytes(ChallengeAnswer.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var (a, c) = (Convert.ToBase64String(prefix), Convert.ToBase64String(digest));
        _puzzles[a] = c;
        var second = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        _puzzles["rs:" + second] = "";
        return HtmlAsync(context, FakeTikTokRendering.ChallengePage(a, c, ChallengeCookie, ChallengeSecondCookie, second));
    }

    /// <summary>Whether the request's <c>_wafchallengeid</c> answers an issued puzzle (SHA-256 checked) and carries its second cookie.</summary>
    private bool VerifyAnswer(HttpRequest request)
    {
        if (request.Cookies[ChallengeCookie] is not { } cookie) return false;
        try
        {
            var json = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(cookie)).RootElement;
            var a = json.GetProperty("v").GetProperty("a").GetString()!;
            var c = json.GetProperty("v").GetProperty("c").GetString()!;
            var answer = Convert.FromBase64String(json.GetProperty("d").GetString()!);
            var correct = _puzzles.TryGetValue(a, out var issued) && issued == c
                && SHA256.HashData([.. Convert.FromBase64String(a), .. answer]).AsSpan().SequenceEqual(Convert.FromBase64String(c))
                && request.Cookies[ChallengeSecondCookie] is { } second && _puzzles.ContainsKey("rs:" + second);
            if (!correct) Interlocked.Increment(ref _wrongAnswers);
            return correct;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Interlocked.Increment(ref _wrongAnswers);
            return false;
        }
    }

    private Task DashVideoAsync(HttpContext context, string id)
    {
        Interlocked.Increment(ref _cdnRequests);
        if (!HasPageCredentials(context.Request))
        {
            Interlocked.Increment(ref _refusedCdnRequests);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return _posts.ContainsKey(id) ? BytesAsync(context, "video/mp4", FakeMedia.SilentMp4()) : NotFoundAsync(context);
    }

    private Task ShortLinkAsync(HttpContext context, string code)
    {
        Interlocked.Increment(ref _shortLinkRequests);
        if (!_shortLinks.TryGetValue(code, out var target))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = target;
        return Task.CompletedTask;
    }

    private async Task FallbackApiAsync(HttpContext context)
    {
        Interlocked.Increment(ref _fallbackRequests);
        _fallbackMethods.Enqueue(context.Request.Method);
        if (FallbackKey is not null && context.Request.Headers[FallbackKeyHeader] != FallbackKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("""{"message":"Invalid API key"}""");
            return;
        }
        switch (FallbackMode)
        {
            case FakeFallbackMode.Captcha:
                await HtmlAsync(context, FakeTikTokRendering.CaptchaPage());
                return;
            case FakeFallbackMode.Forbidden:
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            case FakeFallbackMode.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
        }
        // GET ?aweme_id=<id>, or TikTok's app endpoint: POST with the form aweme_ids=[<id>].
        var id = context.Request.Query["aweme_id"].ToString();
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
            id = (await context.Request.ReadFormAsync())["aweme_ids"].ToString().Trim('[', ']', ' ');
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(FakeTikTokRendering.AwemeAnswer(_posts.GetValueOrDefault(id), FallbackShape));
    }

    private Task VideoAsync(HttpContext context, string id, bool appApi)
    {
        Interlocked.Increment(ref _cdnRequests);
        // Web video URLs are bound to the page view: its cookie and its Referer. App API URLs are not.
        if (!appApi && !HasPageCredentials(context.Request))
        {
            Interlocked.Increment(ref _refusedCdnRequests);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return _posts.TryGetValue(id, out var post) && !post.IsPhotoPost ? BytesAsync(context, "video/mp4", post.VideoBytes) : NotFoundAsync(context);
    }

    private bool HasPageCredentials(HttpRequest request)
    {
        var token = request.Cookies[ChainTokenCookie];
        if (token is null || !_issuedTokens.ContainsKey(token)) return false;
        return !RequireReferer || request.Headers.Referer.ToString().StartsWith("https://www.tiktok.com/", StringComparison.Ordinal);
    }

    private Task ImageAsync(HttpContext context, string id, int index, string extension)
    {
        Interlocked.Increment(ref _cdnRequests);
        if (!_posts.TryGetValue(id, out var post) || post.Images is not { } images || index >= images.Count) return NotFoundAsync(context);
        // Like the real CDN: the extension says nothing about the bytes.
        return BytesAsync(context, extension == "heic" ? "image/heic" : "image/jpeg", images[index]);
    }

    private Task ObjectAsync(HttpContext context, string kind, string id)
    {
        Interlocked.Increment(ref _cdnRequests);
        if (!_posts.TryGetValue(id, out var post)) return NotFoundAsync(context);
        return kind switch
        {
            "cover" => BytesAsync(context, "image/jpeg", post.CoverBytes),
            "music" when post.Music is { } music => BytesAsync(context, "audio/mpeg", music.Bytes),
            "music-cover" when post.Music is { } music => BytesAsync(context, "image/jpeg", music.CoverBytes),
            _ => NotFoundAsync(context),
        };
    }

    private static Task HtmlAsync(HttpContext context, string html)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html);
    }

    private static Task RedirectAsync(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    private async Task BytesAsync(HttpContext context, string contentType, byte[] bytes)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        Task gate;
        lock (_gateLock) gate = _mediaGate.Task;
        if (gate.IsCompleted)
        {
            await context.Response.Body.WriteAsync(bytes);
            return;
        }
        var half = bytes.Length / 2;
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, half));
        await context.Response.Body.FlushAsync();
        Interlocked.Increment(ref _heldMedia);
        try
        {
            await gate.WaitAsync(context.RequestAborted);
        }
        finally
        {
            Interlocked.Decrement(ref _heldMedia);
        }
        await context.Response.Body.WriteAsync(bytes.AsMemory(half));
    }

    private static TaskCompletionSource OpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
