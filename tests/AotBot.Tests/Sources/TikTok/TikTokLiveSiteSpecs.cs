using System.Text.Json.Nodes;
using AotBot.Core;
using AotBot.Hosting;
using AotBot.Sources;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Sources.TikTok;

/// <summary>
/// The TikTok of 2026 through the real HTTP layer against the fake: the proof-of-work page, User-Agent blocks, short
/// links through /login, video-only renditions, 10204 from one proxy, age-restricted posts, the fallback's shapes,
/// the page-outcome metric and the capture folder.
/// </summary>
public sealed class TikTokLiveSiteSpecs
{
    private const string VideoId = "7350810998023949599";
    private const int Tries = 3;

    private static SourcesTestHost Host(FakeTikTokServer fake, bool withFallbackApi = true, params (string Key, string Value)[] more) =>
        new(SourcesTestHost.With(fake.Settings(withFallbackApi), more));

    private static string Metrics(SourcesTestHost host) => host.Get<BotMetrics>().Render();

    private static string PageOutcome(string outcome, int count) => $"aotbot_tiktok_pages_total{{outcome=\"{outcome}\"}} {count}\n";

    [Fact]
    public async Task I_can_extract_a_post_behind_the_proof_of_work_page_and_download_it_with_the_same_cookies()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.Challenge = FakeChallengeMode.UntilSolved;
        fake.ChallengeAnswer = 777_777;
        var post = fake.Add(new FakeTikTokPost(VideoId));
        using var host = Host(fake, withFallbackApi: false);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));
        await using var file = await host.Downloader.DownloadAsync(video.File, video.Download, CancellationToken.None);

        // Assert: path = the challenge, then the page with a verified answer; the CDN took the page's cookie.
        Assert.Equal((1, 1, 0), (fake.ChallengePages, fake.ChallengesPassed, fake.WrongAnswers));
        Assert.Equal(2, fake.PageRequests);
        Assert.Equal(post.VideoBytes, file.Memory!.Value.ToArray());
        Assert.Contains(PageOutcome("challenge_solved", 1), Metrics(host));
        Assert.Contains(host.Logs.Lines, line => line.EventId == 3021 && line.Message.Contains("answer 777777"));
    }

    [Fact]
    public async Task I_get_a_rate_limit_error_when_the_challenge_stays_after_a_solved_retry()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.Challenge = FakeChallengeMode.Stays;
        var post = fake.Add(new FakeTikTokPost(VideoId));
        using var host = Host(fake, withFallbackApi: false);

        // Act & Assert
        await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        // Each identity: the challenge, one solved retry (verified correct), then the next identity.
        Assert.Equal((Tries * 2, Tries, 0), (fake.PageRequests, fake.ChallengesPassed, fake.WrongAnswers));
        Assert.Contains(PageOutcome("challenge_failed", Tries), Metrics(host));
    }

    [Fact]
    public async Task I_can_extract_a_post_when_tikToks_front_refuses_one_browser_version_and_the_next_job_starts_with_the_one_that_passed()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.BlockUserAgents("Chrome/143.");
        var post = fake.Add(new FakeTikTokPost(VideoId));
        using var host = Host(fake, withFallbackApi: false);

        // Act
        var first = await host.ExtractAsync(post.Link.AbsoluteUri);
        var second = await host.ExtractAsync(post.Link.AbsoluteUri);

        // Assert: Chrome 143 got the receipt, Firefox the page; the second job went straight to Firefox.
        var agents = fake.PageRequestHeaders.Select(headers => headers["user-agent"]).ToList();
        Assert.Equal(3, agents.Count);
        Assert.Contains("Chrome/143.", agents[0]);
        Assert.Contains("Firefox/", agents[1]);
        Assert.Contains("Firefox/", agents[2]);
        Assert.Equal(agents[1], first.Download.Headers["User-Agent"]);
        Assert.Equal(VideoId, second.PostId);
        Assert.Contains(PageOutcome("maintenance_block", 1), Metrics(host));
        Assert.Contains(PageOutcome("ok", 2), Metrics(host));
        Assert.Contains(host.Logs.Lines, line => line.EventId == 3020
            && line.Message.Contains("maintenance_block") && line.Message.Contains("chrome/143") && line.Message.Contains("proxy none"));
    }

    [Fact]
    public async Task I_can_see_page_requests_look_like_a_browser_navigation_without_origin()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        using var host = Host(fake, withFallbackApi: false);

        // Act
        await host.ExtractAsync(post.Link.AbsoluteUri);

        // Assert
        var headers = fake.PageRequestHeaders.Single();
        Assert.StartsWith("text/html", headers["accept"]);
        Assert.Equal(("navigate", "document", "1"), (headers["sec-fetch-mode"], headers["sec-fetch-dest"], headers["upgrade-insecure-requests"]));
        Assert.True(headers.ContainsKey("accept-language"));
        Assert.False(headers.ContainsKey("origin"));
    }

    [Fact]
    public async Task I_can_set_the_user_agents_and_see_each_blocked_try_use_the_next()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.BlockPages(FakeTikTokBlock.Forbidden, count: 1);
        var post = fake.Add(new FakeTikTokPost(VideoId));
        using var host = Host(fake, withFallbackApi: false, ("TikTok:UserAgents:0", "Mozilla/5.0 Firstbrowser/1.0"), ("TikTok:UserAgents:1", "Mozilla/5.0 Secondbrowser/2.0"));

        // Act
        await host.ExtractAsync(post.Link.AbsoluteUri);

        // Assert: a 403 counts as a block: the next User-Agent, with a fresh cookie jar.
        Assert.Equal(["Mozilla/5.0 Firstbrowser/1.0", "Mozilla/5.0 Secondbrowser/2.0"], fake.PageRequestHeaders.Select(headers => headers["user-agent"]));
        Assert.Contains(PageOutcome("status_403", 1), Metrics(host));
    }

    [Fact]
    public async Task I_can_extract_a_short_link_that_redirects_through_login_without_loading_the_login_page()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        var link = fake.AddShortLink("https://vm.tiktok.com/ZMlogin01/", new Uri(post.Link.AbsoluteUri + "?_r=1"), viaLogin: true);
        fake.Challenge = FakeChallengeMode.UntilSolved;
        using var host = Host(fake, withFallbackApi: false);

        // Act
        var video = await host.ExtractAsync(link.AbsoluteUri);

        // Assert: the short link once, no /login, then the post page through the page path (its challenge solved).
        Assert.Equal(VideoId, video.PostId);
        Assert.Equal((1, 0, 1), (fake.ShortLinkRequests, fake.Count("/login"), fake.ChallengesPassed));
    }

    [Fact]
    public async Task I_get_an_unsupported_link_error_for_a_short_link_that_leads_off_tiktok_and_nothing_is_fetched_there()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.AddShortLink("https://vt.tiktok.com/ZSevil001/", new Uri("https://tiktok.com.evil.test/@x/video/7350810998023949599"));
        using var host = Host(fake);

        // Act & Assert
        await Assert.ThrowsAsync<UnsupportedLinkException>(() => host.ExtractAsync("https://vt.tiktok.com/ZSevil001/"));
        Assert.Equal((1, 0), (fake.ShortLinkRequests, fake.PageRequests));
    }

    [Fact]
    public async Task I_get_a_rendition_with_sound_when_the_page_lists_video_only_dash_gears_first()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { DashGears = true });
        using var host = Host(fake, withFallbackApi: false);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));
        await using var file = await host.Downloader.DownloadAsync(video.File, video.Download, CancellationToken.None);

        // Assert
        Assert.DoesNotContain(video.File.Urls, url => url.AbsolutePath.Contains("/media-video-hvc1/"));
        Assert.Equal(post.VideoBytes, file.Memory!.Value.ToArray());
        Assert.DoesNotContain(FakeMedia.SilentMarker, System.Text.Encoding.ASCII.GetString(file.Memory!.Value.Span));
        Assert.Equal(new VideoRendition("h264", 576, 1024, post.VideoBytes.Length, HasSound: true, Watermarked: false), video.Rendition);
    }

    [Fact]
    public async Task I_get_an_extraction_error_and_a_log_line_for_a_post_with_only_video_only_renditions()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { DashGears = true, OnlyDashGears = true });
        using var host = Host(fake, withFallbackApi: false);

        // Act & Assert
        await Assert.ThrowsAsync<MediaExtractionException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Contains(host.Logs.Lines, line => line.EventId == 3022 && line.Message.Contains(VideoId));
        Assert.Equal(0, fake.CdnRequests);
    }

    [Fact]
    public async Task I_get_the_largest_h264_file_that_fits_the_upload_limit_and_never_bytevc2_or_page_host_urls()
    {
        // Arrange: gears of 1080p (too large), 720p (fits), a bytevc2 one and a stub on www.tiktok.com.
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = new FakeTikTokPost(VideoId);
        string Url(string name) => FakeTikTokRendering.VideoUrl(post, "h264") + "&gear=" + name;
        JsonObject Gear(string name, string codec, int width, int height, long size, string? url = null) => new()
        {
            ["GearName"] = name, ["CodecType"] = codec, ["Format"] = "mp4",
            ["PlayAddr"] = new JsonObject { ["UrlList"] = new JsonArray(url ?? Url(name)), ["Width"] = width, ["Height"] = height, ["DataSize"] = size },
        };
        fake.Add(post with
        {
            EditItem = item =>
            {
                var gears = (JsonArray)item["video"]!["bitrateInfo"]!;
                gears.Insert(0, Gear("normal_1080_0", "h264", 1080, 1920, 5_000_000));
                gears.Insert(0, Gear("bytevc2_1080", "bytevc2", 1080, 1920, 300_000));
                gears.Insert(0, Gear("normal_720_0", "h264", 720, 1280, 700_000));
                gears.Insert(0, Gear("stub_1080", "h264", 1080, 1920, 31_000, $"https://www.tiktok.com/aweme/v1/play/?video_id={VideoId}"));
            },
        });
        using var host = Host(fake, withFallbackApi: false, ("Limits:MaxUploadBytes", "1048576"));

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.EndsWith("&gear=normal_720_0", video.File.Urls[0].AbsoluteUri);
        Assert.Equal((720, 1280, 700_000L), (video.Rendition!.Width, video.Rendition.Height, video.Rendition.Bytes));
        Assert.DoesNotContain(video.File.Urls, url => url.Host == "www.tiktok.com" || url.Query.Contains("bytevc2"));
        Assert.Contains("&watermark=1", video.File.Urls[^1].AbsoluteUri);
    }

    [Fact]
    public async Task I_can_extract_a_post_that_one_proxy_sees_as_10204_through_the_next_proxy()
    {
        // Arrange: two fakes play two proxies; the first answers 10204 for the post.
        await using var blockedProxy = await FakeTikTokServer.StartAsync();
        await using var goodProxy = await FakeTikTokServer.StartAsync();
        var post = new FakeTikTokPost(VideoId);
        blockedProxy.Add(post with { StatusCode = FakeTikTokStatus.Deleted });
        goodProxy.Add(post);
        var proxyFile = Path.Combine(Path.GetTempPath(), $"aotbot-tiktok-proxies-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(proxyFile, [blockedProxy.BaseUrl.AbsoluteUri, goodProxy.BaseUrl.AbsoluteUri]);
        try
        {
            using var host = Host(blockedProxy, withFallbackApi: false, ("Http:ProxyFile", proxyFile));

            // Act
            var video = await host.ExtractAsync(post.Link.AbsoluteUri);

            // Assert
            Assert.Equal(VideoId, video.PostId);
            Assert.Equal((1, 1), (blockedProxy.PageRequests, goodProxy.PageRequests));
            Assert.Contains(PageOutcome("status_10204", 1), Metrics(host));
            Assert.Contains(host.Logs.Lines, line => line.EventId == 3020 && line.Message.Contains("status_10204") && line.Message.Contains("proxy 0"));
        }
        finally
        {
            File.Delete(proxyFile);
        }
    }

    [Fact]
    public async Task I_get_a_deleted_error_for_10204_only_after_every_identity_and_the_fallback()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { StatusCode = FakeTikTokStatus.Deleted });
        using var host = Host(fake);

        // Act & Assert
        await Assert.ThrowsAsync<MediaDeletedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Equal((Tries, 1), (fake.PageRequests, fake.FallbackRequests));
    }

    [Fact]
    public async Task I_get_a_deleted_error_for_10204_everywhere_when_no_fallback_is_configured()
    {
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { StatusCode = FakeTikTokStatus.Deleted });
        using var host = Host(fake, withFallbackApi: false);

        await Assert.ThrowsAsync<MediaDeletedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Equal(Tries, fake.PageRequests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task I_get_an_age_restricted_error_for_an_adults_only_post(bool classifiedFlag)
    {
        // Arrange: the page marks it, or gives neither video nor photos.
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId)
        {
            EditItem = item =>
            {
                if (classifiedFlag) item["isContentClassified"] = true;
                else item.Remove("video");
            },
        });
        using var host = Host(fake);

        // Act & Assert
        await Assert.ThrowsAsync<MediaAgeRestrictedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Equal((1, 0), (fake.PageRequests, fake.CdnRequests));
    }

    [Fact]
    public async Task I_get_a_rate_limit_error_when_the_page_keeps_redirecting_to_login()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.BlockPages(FakeTikTokBlock.LoginRedirect);
        using var host = Host(fake, withFallbackApi: false);

        // Act & Assert
        await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Equal(Tries, fake.PageRequests);
        Assert.Contains(PageOutcome("login_redirect", Tries), Metrics(host));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task I_can_extract_from_a_fallback_answering_aweme_details_by_get_or_post(string method)
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.FallbackShape = FakeFallbackShape.Details;
        var post = fake.Add(new FakeTikTokPost(VideoId) { DurationSeconds = 27 });
        fake.BlockPages(FakeTikTokBlock.Captcha);
        using var host = Host(fake, withFallbackApi: false,
            ("TikTok:ApiFallbackUrl", method == "POST" ? "https://tiktok-fallback-api.test/aweme/v1/multi/aweme/detail/" : FakeTikTokServer.FallbackApiUrl),
            ("TikTok:ApiFallbackMethod", method));

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(27), video.Duration);
        Assert.Equal(FakeTikTokRendering.AppVideoUrl(post, "h264"), video.File.Urls[0].AbsoluteUri);
        Assert.Equal([method], fake.FallbackMethods);
    }

    [Fact]
    public async Task I_can_find_the_last_20_unexpected_pages_in_the_capture_folder_without_cookies()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.BlockPages(FakeTikTokBlock.Captcha);
        var folder = Directory.CreateTempSubdirectory("aotbot-capture-").FullName;
        try
        {
            using var host = Host(fake, withFallbackApi: false, ("TikTok:CaptureDir", folder));

            // Act: 8 jobs × 3 blocked pages = 24 captures.
            for (var i = 0; i < 8; i++)
                await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));

            // Assert
            var files = Directory.GetFiles(folder);
            Assert.Equal(20, files.Length);
            Assert.All(files, file =>
            {
                var text = File.ReadAllText(file);
                Assert.Contains("captcha-verify-container", text);
                Assert.Contains("outcome captcha", text);
                Assert.DoesNotContain(FakeTikTokServer.ChainTokenCookie, text);
                Assert.DoesNotContain("Cookie", text);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task I_can_read_the_path_each_attempt_took_in_the_trace()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.BlockUserAgents("Chrome/143.");
        fake.Challenge = FakeChallengeMode.UntilSolved;
        using var host = Host(fake);
        var trace = new ExtractionTrace();

        // Act
        await host.Sources.ExtractAsync(post.Link, trace, CancellationToken.None);

        // Assert
        Assert.Equal([("page", "maintenance_block"), ("page", "challenge_solved")], trace.Steps.Select(step => (step.Step, step.Outcome)));
        Assert.Equal("ua=firefox/145 proxy=none", trace.Steps[1].Detail);
    }
}
