using System.Net;
using System.Text.Json.Nodes;
using AotBot.Http;
using AotBot.Sources;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Sources.TikTok;

/// <summary>
/// The TikTok source through the real HTTP layer against the fake TikTok (web pages, short links, CDN, fallback API).
/// Each test asserts which path served it with the fake's counters: pages, fallback API calls, CDN requests.
/// </summary>
public sealed class TikTokSourceSpecs
{
    private const string VideoId = "7350810998023949599";
    private const string PhotoId = "7351234567890123456";

    /// <summary>Identities (User-Agent, cookie jar, proxy) a blocked page is tried with: one per default User-Agent.</summary>
    private const int Tries = 3;

    private static SourcesTestHost Host(FakeTikTokServer fake, bool withFallbackApi = true, params (string Key, string Value)[] more) =>
        new(SourcesTestHost.With(fake.Settings(withFallbackApi), more));

    private static FakeTikTokPost Slideshow(int images) =>
        new(PhotoId) { Images = [.. Enumerable.Range(0, images).Select(i => FakeMedia.Jpeg(1000 + i))] };

    [Fact]
    public async Task I_can_extract_a_video_with_its_author_stats_music_and_the_h264_rendition()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { DurationSeconds = 42, Description = "hello #fyp" });
        using var host = Host(fake);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri + "?is_from_webapp=1&sender_device=pc"));

        // Assert
        Assert.Equal(("tiktok", VideoId), (video.Source, video.PostId));
        Assert.Equal(new Author("fakeuser", "Fake User"), video.Author);
        Assert.Equal("hello #fyp", video.Description);
        Assert.Equal(new PostStats(1234, 56789), video.Stats);
        Assert.Equal((576, 1024, TimeSpan.FromSeconds(42)), (video.Width, video.Height, video.Duration));
        Assert.Equal(FakeTikTokRendering.VideoUrl(post, "h264"), video.File.Urls[0].AbsoluteUri);
        Assert.Equal(FakeTikTokRendering.CoverUrl(post), video.Cover!.Urls[0].AbsoluteUri);
        Assert.Equal("original sound - fakeuser", video.Music!.Title);
        Assert.Equal(FakeTikTokRendering.MusicCoverUrl(post, "large"), video.Music.Cover!.Urls[0].AbsoluteUri);
        // Path: the web page, once; no fallback.
        Assert.Equal((1, 0), (fake.PageRequests, fake.FallbackRequests));
        Assert.Equal(1, fake.Count($"/@_/video/{VideoId}"));
    }

    [Fact]
    public async Task I_can_get_a_download_context_with_the_pages_cookie_and_browser_headers()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        using var host = Host(fake);

        // Act
        var video = await host.ExtractAsync(post.Link.AbsoluteUri);

        // Assert
        var cookies = video.Download.Cookies.GetCookies(new Uri("https://v16-webapp-prime.tiktok.com/video/tos/1.mp4"));
        Assert.NotNull(cookies[FakeTikTokServer.ChainTokenCookie]);
        Assert.Equal("https://www.tiktok.com/", video.Download.Headers["Referer"]);
        Assert.False(video.Download.Headers.ContainsKey("Origin"));
        // The downloads go as the browser that fetched the page.
        Assert.Equal(fake.PageRequestHeaders[0]["user-agent"], video.Download.Headers["User-Agent"]);
    }

    [Fact]
    public async Task I_can_download_a_video_with_the_pages_cookie_that_the_cdn_requires()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { VideoBytes = FakeMedia.Mp4(200_000) });
        using var host = Host(fake);
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Act
        await using var file = await host.Downloader.DownloadAsync(video.File, video.Download, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<HttpFetchException>(() =>
            host.Downloader.DownloadAsync(video.File, DownloadContext.Plain(), CancellationToken.None));

        // Assert
        Assert.Equal(post.VideoBytes, file.Memory!.Value.ToArray());
        Assert.Equal(HttpFailure.Forbidden, refused.Failure);
        Assert.True(fake.RefusedCdnRequests >= 1);
    }

    [Fact]
    public async Task I_can_extract_a_slideshow_of_12_images_in_order_and_download_them()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(Slideshow(12));
        using var host = Host(fake);

        // Act
        var slideshow = Assert.IsType<Slideshow>(await host.ExtractAsync(post.Link.AbsoluteUri));
        var files = await host.Downloader.DownloadAllAsync(slideshow.Images, slideshow.Download, CancellationToken.None);

        // Assert
        Assert.Equal(12, slideshow.Images.Count);
        Assert.All(slideshow.Images, image => Assert.Equal((1080, 1440), (image.Width, image.Height)));
        Assert.Equal(FakeTikTokRendering.ImageUrl(post, 0), slideshow.Images[0].Urls[0].AbsoluteUri);
        Assert.Equal(FakeTikTokRendering.ImageUrl(post, 0, fallback: true), slideshow.Images[0].Urls[1].AbsoluteUri);
        for (var i = 0; i < 12; i++)
            Assert.Equal(post.Images![i], files[i].File!.Memory!.Value.ToArray());
        Assert.Equal((1, 0, 12), (fake.PageRequests, fake.FallbackRequests, fake.CdnRequests));
        foreach (var outcome in files) await outcome.File!.DisposeAsync();
    }

    [Fact]
    public async Task I_can_extract_a_photo_link_through_the_video_page_path()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.Add(Slideshow(3) with { Username = "traveller" });
        using var host = Host(fake);

        // Act
        var slideshow = Assert.IsType<Slideshow>(await host.ExtractAsync($"https://www.tiktok.com/@traveller/photo/{PhotoId}"));

        // Assert
        Assert.Equal($"https://www.tiktok.com/@traveller/photo/{PhotoId}", slideshow.Link.AbsoluteUri);
        Assert.Equal(3, slideshow.Images.Count);
        Assert.Equal(1, fake.Count($"/@_/video/{PhotoId}"));
    }

    [Theory]
    [InlineData("https://vm.tiktok.com/ZMhvqKo7x/")]
    [InlineData("https://vt.tiktok.com/ZSFxJ3abc/")]
    [InlineData("https://www.tiktok.com/t/ZTRav7308/")]
    public async Task I_can_extract_a_post_behind_each_short_link_form(string shortLink)
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.AddShortLink(shortLink, new Uri(post.Link.AbsoluteUri + "?_r=1&_t=8kx"));
        using var host = Host(fake);

        // Act
        var video = await host.ExtractAsync(shortLink);

        // Assert
        Assert.Equal(VideoId, video.PostId);
        // Path: the short link once, then the post page.
        Assert.Equal((1, 1, 0), (fake.ShortLinkRequests, fake.PageRequests, fake.FallbackRequests));
    }

    [Theory]
    [InlineData("https://www.tiktok.com/")]
    [InlineData("https://www.tiktok.com/notfound?from=share")]
    public async Task I_get_a_deleted_error_for_a_short_link_that_leads_home_or_to_notfound(string target)
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.AddShortLink("https://vm.tiktok.com/ZMgone123/", new Uri(target));
        using var host = Host(fake);

        // Act & Assert
        await Assert.ThrowsAsync<MediaDeletedException>(() => host.ExtractAsync("https://vm.tiktok.com/ZMgone123/"));
        Assert.Equal(0, fake.PageRequests);
    }

    [Fact]
    public async Task I_get_a_deleted_error_for_an_unknown_short_link()
    {
        await using var fake = await FakeTikTokServer.StartAsync();
        using var host = Host(fake);

        await Assert.ThrowsAsync<MediaDeletedException>(() => host.ExtractAsync("https://vt.tiktok.com/ZSunknown/"));
    }

    [Theory]
    [InlineData(FakeTikTokStatus.UnderReview, typeof(MediaDeletedException))]
    [InlineData(FakeTikTokStatus.Private, typeof(MediaPrivateException))]
    [InlineData(FakeTikTokStatus.RegionBlocked, typeof(MediaRegionBlockedException))]
    [InlineData(FakeTikTokStatus.RegionLocked, typeof(MediaRegionBlockedException))]
    [InlineData(10101, typeof(MediaUnavailableException))]
    public async Task I_get_the_typed_error_of_a_post_page_status_without_asking_the_fallback(int status, Type expected)
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { StatusCode = status });
        using var host = Host(fake);

        // Act
        var error = await Assert.ThrowsAnyAsync<AotBotException>(() => host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.IsType(expected, error);
        Assert.Equal((1, 0), (fake.PageRequests, fake.FallbackRequests));
    }

    [Fact]
    public async Task I_can_extract_a_post_from_the_second_page_when_the_first_is_a_captcha()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.BlockPages(FakeTikTokBlock.Captcha, count: 1);
        using var host = Host(fake);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert: path = captcha page, then the page again; the fallback is not asked.
        Assert.Equal((2, 0), (fake.PageRequests, fake.FallbackRequests));
        Assert.NotNull(video.Download.Cookies.GetCookies(new Uri("https://www.tiktok.com/"))[FakeTikTokServer.ChainTokenCookie]);
    }

    [Fact]
    public async Task I_can_see_the_retry_take_the_next_proxy_and_the_download_keep_the_proxy_that_served_the_page()
    {
        // Arrange: two fakes play two proxies (a proxy gets the absolute-form request and answers it itself).
        await using var blockedProxy = await FakeTikTokServer.StartAsync();
        await using var goodProxy = await FakeTikTokServer.StartAsync();
        var post = new FakeTikTokPost(VideoId);
        blockedProxy.Add(post);
        goodProxy.Add(post);
        blockedProxy.BlockPages(FakeTikTokBlock.Captcha);
        var proxyFile = Path.Combine(Path.GetTempPath(), $"aotbot-sources-proxies-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(proxyFile, [blockedProxy.BaseUrl.AbsoluteUri, goodProxy.BaseUrl.AbsoluteUri]);
        try
        {
            using var host = Host(blockedProxy, withFallbackApi: false, ("Http:ProxyFile", proxyFile));

            // Act
            var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));
            await using var file = await host.Downloader.DownloadAsync(video.File, video.Download, CancellationToken.None);

            // Assert: path = captcha through the first proxy, the page through the second, the video through the second.
            Assert.Equal((1, 1), (blockedProxy.PageRequests, goodProxy.PageRequests));
            Assert.Equal((0, 1), (blockedProxy.CdnRequests, goodProxy.CdnRequests));
            Assert.Equal(post.VideoBytes.Length, file.Length);
            Assert.Equal(goodProxy.BaseUrl, video.Download.Proxy);
        }
        finally
        {
            File.Delete(proxyFile);
        }
    }

    [Theory]
    [InlineData(FakeTikTokBlock.Captcha)]
    [InlineData(FakeTikTokBlock.EmptyBody)]
    [InlineData(FakeTikTokBlock.RedirectHome)]
    [InlineData(FakeTikTokBlock.Forbidden)]
    public async Task I_can_extract_a_video_from_the_fallback_api_when_the_page_stays_blocked(FakeTikTokBlock block)
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        fake.FallbackKey = "fallback-secret";
        var post = fake.Add(new FakeTikTokPost(VideoId) { DurationSeconds = 31 });
        fake.BlockPages(block);
        using var host = Host(fake);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert: path = blocked page with each identity, then the fallback API (with its key, which the fake requires).
        Assert.Equal((Tries, 1), (fake.PageRequests, fake.FallbackRequests));
        Assert.Equal(FakeTikTokRendering.AppVideoUrl(post, "h264"), video.File.Urls[0].AbsoluteUri);
        Assert.Equal(TimeSpan.FromSeconds(31), video.Duration);
        Assert.False(video.Download.Headers.ContainsKey("x-api-key"));
    }

    [Fact]
    public async Task I_get_the_same_post_from_the_fallback_api_as_from_the_page_except_its_urls()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        using var host = Host(fake);
        var fromPage = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));
        fake.BlockPages(FakeTikTokBlock.Captcha);

        // Act
        var fromApi = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.Equal(1, fake.FallbackRequests);
        Assert.Equal(
            (fromPage.Source, fromPage.PostId, fromPage.Link, fromPage.Author, fromPage.Description, fromPage.Stats, fromPage.Width, fromPage.Height, fromPage.Duration),
            (fromApi.Source, fromApi.PostId, fromApi.Link, fromApi.Author, fromApi.Description, fromApi.Stats, fromApi.Width, fromApi.Height, fromApi.Duration));
        Assert.Equal(
            (fromPage.Music!.Id, fromPage.Music.Title, fromPage.Music.Author, fromPage.Music.Duration),
            (fromApi.Music!.Id, fromApi.Music.Title, fromApi.Music.Author, fromApi.Music.Duration));
        Assert.Equal(fromPage.Music.File!.Urls, fromApi.Music.File!.Urls);
        Assert.Equal(fromPage.Music.Cover!.Urls, fromApi.Music.Cover!.Urls);
        Assert.Equal(fromPage.Cover!.Urls[0], fromApi.Cover!.Urls[0]);
    }

    [Fact]
    public async Task I_can_extract_a_slideshow_from_the_fallback_api_and_download_it_without_page_cookies()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(Slideshow(12));
        fake.BlockPages(FakeTikTokBlock.EmptyBody);
        using var host = Host(fake);

        // Act
        var slideshow = Assert.IsType<Slideshow>(await host.ExtractAsync(post.Link.AbsoluteUri));
        await using var first = await host.Downloader.DownloadAsync(slideshow.Images[0], slideshow.Download, CancellationToken.None);

        // Assert
        Assert.Equal(12, slideshow.Images.Count);
        Assert.Equal(post.Images![0], first.Memory!.Value.ToArray());
        Assert.Equal((Tries, 1), (fake.PageRequests, fake.FallbackRequests));
    }

    [Theory]
    [InlineData(FakeTikTokStatus.Deleted, typeof(MediaDeletedException))]
    [InlineData(FakeTikTokStatus.Private, typeof(MediaPrivateException))]
    [InlineData(FakeTikTokStatus.RegionBlocked, typeof(MediaRegionBlockedException))]
    public async Task I_get_the_typed_error_the_fallback_api_answers_when_the_page_is_blocked(int status, Type expected)
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { StatusCode = status });
        fake.BlockPages(FakeTikTokBlock.Captcha);
        using var host = Host(fake);

        // Act
        var error = await Assert.ThrowsAnyAsync<AotBotException>(() => host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.IsType(expected, error);
        Assert.Equal((Tries, 1), (fake.PageRequests, fake.FallbackRequests));
    }

    [Theory]
    [InlineData(FakeFallbackMode.Captcha)]
    [InlineData(FakeFallbackMode.Forbidden)]
    [InlineData(FakeFallbackMode.ServerError)]
    public async Task I_get_a_rate_limit_error_when_the_page_and_the_fallback_api_are_both_blocked(FakeFallbackMode mode)
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.BlockPages(FakeTikTokBlock.Captcha);
        fake.FallbackMode = mode;
        using var host = Host(fake);

        // Act & Assert
        await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Equal(Tries, fake.PageRequests);
        Assert.True(fake.FallbackRequests >= 1);
        Assert.Equal(0, fake.CdnRequests);
    }

    [Fact]
    public async Task I_get_a_rate_limit_error_for_a_blocked_page_when_no_fallback_api_is_configured()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId));
        fake.BlockPages(FakeTikTokBlock.Captcha);
        using var host = Host(fake, withFallbackApi: false);

        // Act & Assert
        await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Equal((Tries, 0), (fake.PageRequests, fake.FallbackRequests));
    }

    [Fact]
    public async Task I_can_extract_a_post_whose_page_lacks_author_stats_music_and_cover()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId)
        {
            EditItem = item =>
            {
                item.Remove("author");
                item.Remove("stats");
                item.Remove("statsV2");
                item.Remove("music");
                item["desc"] = null;
                var video = (JsonObject)item["video"]!;
                video.Remove("cover");
                video.Remove("originCover");
                video.Remove("bitrateInfo");
            },
        });
        using var host = Host(fake);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.Null(video.Author);
        Assert.Null(video.Stats);
        Assert.Null(video.Music);
        Assert.Null(video.Description);
        Assert.Null(video.Cover);
        Assert.Equal(FakeTikTokRendering.VideoUrl(post, "h265"), video.File.Urls[0].AbsoluteUri);
    }

    [Fact]
    public async Task I_get_an_extraction_error_for_a_page_without_any_video_url()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId)
        {
            EditItem = item =>
            {
                var video = (JsonObject)item["video"]!;
                video.Remove("playAddr");
                video.Remove("downloadAddr");
                video.Remove("bitrateInfo");
            },
        });
        using var host = Host(fake);

        // Act & Assert
        await Assert.ThrowsAsync<MediaExtractionException>(() => host.ExtractAsync(post.Link.AbsoluteUri));
        Assert.Equal(0, fake.FallbackRequests);
    }

    [Fact]
    public async Task I_can_extract_an_h265_only_video()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { Codecs = FakeVideoCodecs.H265Only });
        using var host = Host(fake);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));
        await using var file = await host.Downloader.DownloadAsync(video.File, video.Download, CancellationToken.None);

        // Assert
        Assert.All(video.File.Urls, url => Assert.Contains("/h265.mp4", url.AbsolutePath));
        Assert.Equal(post.VideoBytes.Length, file.Length);
    }

    [Fact]
    public async Task I_get_a_too_long_error_before_any_download()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { DurationSeconds = 601 });
        using var host = Host(fake, withFallbackApi: true, ("Limits:MaxVideoDurationSeconds", "600"));

        // Act
        var error = await Assert.ThrowsAsync<MediaTooLongException>(() => host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(601), error.Duration);
        Assert.Equal(0, fake.CdnRequests);
    }

    [Fact]
    public async Task I_can_extract_a_video_from_an_older_SIGI_STATE_page()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { Shape = FakePageShape.SigiState });
        using var host = Host(fake);

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(post.Link.AbsoluteUri));

        // Assert
        Assert.Equal(FakeTikTokRendering.VideoUrl(post, "h264"), video.File.Urls[0].AbsoluteUri);
        Assert.Equal(0, fake.FallbackRequests);
    }

    [Fact]
    public async Task I_can_download_the_music_and_its_cover()
    {
        // Arrange
        await using var fake = await FakeTikTokServer.StartAsync();
        var post = fake.Add(new FakeTikTokPost(VideoId) { Music = new FakeTikTokMusic { Bytes = FakeMedia.Mp3(9000) } });
        using var host = Host(fake);
        var music = (await host.ExtractAsync(post.Link.AbsoluteUri)).Music!;

        // Act
        await using var audio = await host.Downloader.DownloadAsync(music.File!, DownloadContext.Plain(), CancellationToken.None);
        await using var cover = await host.Downloader.DownloadAsync(music.Cover!, DownloadContext.Plain(), CancellationToken.None);

        // Assert
        Assert.Equal(9000, audio.Length);
        Assert.Equal(post.Music!.CoverBytes.Length, cover.Length);
    }

    [Fact]
    public async Task I_get_a_network_error_when_tiktok_cannot_be_reached_and_no_fallback_is_configured()
    {
        // Arrange: the overrides point at a port nobody listens on.
        var closed = ClosedPort();
        using var host = new SourcesTestHost([
            new("Http:HostOverrides:www.tiktok.com", closed), new("Http:AllowPrivateNetworks", "true"), new("Http:MaxAttempts", "1")]);

        // Act & Assert
        await Assert.ThrowsAsync<NetworkException>(() => host.ExtractAsync($"https://www.tiktok.com/@a/video/{VideoId}"));
    }

    /// <summary>An http URL on 127.0.0.1 at a port that was free a moment ago.</summary>
    private static string ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
