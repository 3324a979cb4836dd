using AotBot.Core;
using AotBot.Hosting;
using AotBot.Sources.Instagram;
using AotBot.Sources;
using AotBot.Testing.FakeInstagram;
using AotBot.Testing.FakeTikTok;
using Microsoft.Extensions.Logging;

namespace AotBot.Tests.Sources.Instagram;

/// <summary>Instagram with no key: the app API, the embed page and GraphQL against the fake site, in order, and their dead ends.</summary>
public sealed class InstagramKeylessSpecs
{
    private const string Shortcode = "DAzkjIhvK6x";

    private static IEnumerable<KeyValuePair<string, string?>> Keyless(FakeInstagramApi site, params (string Key, string Value)[] more) =>
        SourcesTestHost.With(site.Settings(withKey: false), more);

    private static async Task<(MediaPost Post, List<InstagramAttempt> Attempts)> ExtractAsync(SourcesTestHost host, string link)
    {
        var attempts = new List<InstagramAttempt>();
        var source = Assert.IsType<InstagramSource>(host.Sources.Find(new Uri(link)));
        var post = await source.ExtractAsync(new Uri(link), attempts.Add, CancellationToken.None);
        return (post, attempts);
    }

    private static List<string> FailureLines(SourcesTestHost host) =>
        [.. host.Logs.Lines.Where(line => line.EventId == 3040).Select(line => $"{line.Level} {line.Message}")];

    [Fact]
    public async Task I_get_a_reel_from_the_app_api_with_no_key_as_a_video_with_cover_caption_and_size()
    {
        // Arrange
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, new FakeInstagramDetails("sunset at the pier", "pier.cam", "Pier Cam"), FakeInstagramMedia.Video(FakeMedia.Mp4(6000)));
        using var host = new SourcesTestHost(Keyless(site));

        // Act
        var (post, attempts) = await ExtractAsync(host, $"https://www.instagram.com/reels/{Shortcode}/?igsh=abc&utm_source=ig_web");
        var video = Assert.IsType<Video>(post);
        await using var file = await host.Downloader.DownloadAsync(video.File, video.Download, CancellationToken.None);

        // Assert
        Assert.Equal([new InstagramAttempt("app_api", "ok")], attempts);
        Assert.Equal(["GET /api/v1/oembed/", $"GET /api/v1/media/{FakeInstagramApi.MediaIdOf(Shortcode)}/info/"], site.Requests.Take(2));
        Assert.Equal(($"https://www.instagram.com/reel/{Shortcode}/", 720, 1280, TimeSpan.FromSeconds(12.5)), (video.Link.AbsoluteUri, video.Width, video.Height, video.Duration));
        Assert.Equal(("sunset at the pier", "pier.cam", "Pier Cam"), (video.Description, video.Author?.Username, video.Author?.Nickname));
        Assert.EndsWith("/0/thumbnail", video.Cover!.Urls[0].AbsolutePath);
        Assert.Equal(6000, file.Length);
        Assert.Null(video.Music);
        Assert.Empty(site.Calls);
    }

    [Fact]
    public async Task I_get_a_photo_post_as_a_slideshow_of_one()
    {
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Image(FakeMedia.Jpeg(777)));
        using var host = new SourcesTestHost(Keyless(site));

        var slideshow = Assert.IsType<Slideshow>((await ExtractAsync(host, $"https://instagram.com/p/{Shortcode}")).Post);

        var image = Assert.Single(slideshow.Images);
        Assert.Equal((false, 1080, 1350), (image.IsVideo, image.Width, image.Height));
        Assert.Equal("a caption #tag", slideshow.Description);
    }

    [Fact]
    public async Task The_embed_page_serves_when_the_app_api_redirects_to_the_login_page_and_the_failure_is_logged_once()
    {
        // Arrange
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Image(), FakeInstagramMedia.Video(), FakeInstagramMedia.Image());
        site.Block(FakeInstagramPath.AppApi, FakeInstagramBlock.LoginRedirect);
        using var host = new SourcesTestHost(Keyless(site));

        // Act
        var (post, attempts) = await ExtractAsync(host, $"https://www.instagram.com/p/{Shortcode}/");

        // Assert
        var album = Assert.IsType<Slideshow>(post);
        Assert.Equal([false, true, false], album.Images.Select(image => image.IsVideo));
        Assert.Equal([new InstagramAttempt("app_api", "login_redirect"), new InstagramAttempt("embed", "ok")], attempts);
        Assert.Equal([$"Information Instagram post {Shortcode}: the app_api path failed: login_redirect"], FailureLines(host));
        var metrics = host.Get<BotMetrics>().Render();
        Assert.Contains("aotbot_instagram_requests_total{path=\"app_api\",outcome=\"login_redirect\"} 1", metrics);
        Assert.Contains("aotbot_instagram_requests_total{path=\"embed\",outcome=\"ok\"} 1", metrics);
    }

    [Fact]
    public async Task A_reel_that_is_an_album_with_two_videos_goes_past_the_embed_page_to_graphql()
    {
        // Arrange: the embed page leaves the videos' URLs out of such albums.
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Video(FakeMedia.Mp4(100)), FakeInstagramMedia.Image(FakeMedia.Jpeg(200)), FakeInstagramMedia.Video(FakeMedia.Mp4(300)));
        site.Block(FakeInstagramPath.AppApi, FakeInstagramBlock.HomeRedirect);
        using var host = new SourcesTestHost(Keyless(site));

        // Act
        var (post, attempts) = await ExtractAsync(host, $"https://www.instagram.com/reel/{Shortcode}/");
        var album = Assert.IsType<Slideshow>(post);
        var files = await host.Downloader.DownloadAllAsync(album.Images, album.Download, CancellationToken.None);

        // Assert
        Assert.Equal(["app_api:login_redirect", "embed:no_media", "graphql:ok"], attempts.Select(a => $"{a.Path}:{a.Outcome}"));
        Assert.Equal([100, 200, 300], files.Select(outcome => outcome.File!.Length));
        Assert.Equal([true, false, true], album.Images.Select(image => image.IsVideo));
        Assert.Contains("POST /api/graphql", site.Requests);
        foreach (var outcome in files) await outcome.File!.DisposeAsync();
    }

    [Theory]
    [InlineData(FakeInstagramApi.PolarisDocId)]
    [InlineData(FakeInstagramApi.ShortcodeDocId)]
    [InlineData(FakeInstagramApi.WebInfoDocId)]
    public async Task Graphql_reads_the_answer_of_each_doc_id(string docId)
    {
        // Arrange
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Video());
        site.Block(FakeInstagramPath.AppApi, FakeInstagramBlock.LoginRedirect);
        site.Block(FakeInstagramPath.Embed, FakeInstagramBlock.LoginRedirect);
        using var host = new SourcesTestHost(Keyless(site, ("Instagram:GraphqlDocId", docId)));

        // Act
        var (post, attempts) = await ExtractAsync(host, $"https://www.instagram.com/reel/{Shortcode}/");

        // Assert
        Assert.IsType<Video>(post);
        Assert.Equal(new InstagramAttempt("graphql", "ok"), attempts[^1]);
    }

    [Fact]
    public async Task All_paths_redirecting_to_login_without_a_key_is_the_rate_limit_and_each_path_is_logged()
    {
        // Arrange
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Video());
        site.BlockAll(FakeInstagramBlock.LoginRedirect);
        using var host = new SourcesTestHost(Keyless(site));

        // Act
        var error = await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync($"https://www.instagram.com/p/{Shortcode}/"));

        // Assert
        Assert.Contains("app_api, embed, graphql", error.Message);
        Assert.Equal(["app_api", "embed", "graphql"], FailureLines(host).Select(line => line.Split(' ')[5]));
        Assert.All(FailureLines(host), line => Assert.StartsWith("Information", line));
        Assert.Empty(site.Calls);
    }

    [Fact]
    public async Task All_paths_blocked_with_a_key_falls_back_to_the_api()
    {
        // Arrange
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Image(), FakeInstagramMedia.Video());
        site.BlockAll(FakeInstagramBlock.LoginRedirect);
        using var host = new SourcesTestHost(site.Settings());

        // Act
        var (post, attempts) = await ExtractAsync(host, $"https://www.instagram.com/p/{Shortcode}/");

        // Assert
        Assert.Equal([false, true], Assert.IsType<Slideshow>(post).Images.Select(image => image.IsVideo));
        Assert.Equal(["app_api:login_redirect", "embed:login_redirect", "graphql:login_redirect", "rapidapi:ok"], attempts.Select(a => $"{a.Path}:{a.Outcome}"));
        Assert.Single(site.Calls);
    }

    [Fact]
    public async Task A_missing_post_is_not_found()
    {
        await using var site = await FakeInstagramApi.StartAsync();
        using var host = new SourcesTestHost(Keyless(site));

        var attempts = new List<InstagramAttempt>();
        var source = Assert.IsType<InstagramSource>(host.Sources.Find(new Uri($"https://www.instagram.com/p/{Shortcode}/")));
        await Assert.ThrowsAsync<InstagramNotFoundException>(() => source.ExtractAsync(new Uri($"https://www.instagram.com/p/{Shortcode}/"), attempts.Add, CancellationToken.None));

        Assert.Equal(["app_api:not_found", "embed:no_media", "graphql:not_found"], attempts.Select(a => $"{a.Path}:{a.Outcome}"));
    }

    [Fact]
    public async Task A_private_or_age_gated_post_is_private()
    {
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Video());
        site.BlockAll(FakeInstagramBlock.Private);
        using var host = new SourcesTestHost(Keyless(site));

        await Assert.ThrowsAsync<MediaPrivateException>(() => host.ExtractAsync($"https://www.instagram.com/p/{Shortcode}/"));
    }

    [Fact]
    public async Task A_share_link_is_followed_to_the_post_on_instagram_hosts_only()
    {
        // Arrange
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Video());
        var share = site.AddShare("BAHsxy4Vsf", $"https://www.instagram.com/reel/{Shortcode}/?igsh=MWQ1ZGUxMzBkMA==");
        var offsite = site.AddShare("BAEvil0000", $"https://evil.example/reel/{Shortcode}/");
        using var host = new SourcesTestHost(Keyless(site));

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(share.AbsoluteUri));
        var error = await Assert.ThrowsAsync<UnsupportedLinkException>(() => host.ExtractAsync(offsite.AbsoluteUri));

        // Assert
        Assert.Equal(Shortcode, video.PostId);
        Assert.Contains("leads off Instagram", error.Message);
        Assert.Equal(share, host.Links.Find($"look {share}").Single());
    }

    [Fact]
    public async Task A_share_link_sent_to_the_login_page_is_read_from_the_post_the_login_page_names()
    {
        // Arrange
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Video());
        var named = site.AddShare("BALogin001", $"https://www.instagram.com/accounts/login/?next=%2Freel%2F{Shortcode}%2F%3Figsh%3Dabc&source=share");
        var wall = site.AddShare("BALogin002", "https://www.instagram.com/accounts/login/?next=%2Fshare%2FBALogin002%2F");
        var elsewhere = site.AddShare("BALogin003", $"https://www.instagram.com/accounts/login/?next=%2F%2Fevil.example%2Freel%2F{Shortcode}%2F");
        using var host = new SourcesTestHost(Keyless(site));

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync(named.AbsoluteUri));
        var walled = await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync(wall.AbsoluteUri));
        var offsite = await Assert.ThrowsAsync<RateLimitedException>(() => host.ExtractAsync(elsewhere.AbsoluteUri));

        // Assert: the post behind the wall is read; a wall that names no post (or another host) stays a wall
        Assert.Equal(Shortcode, video.PostId);
        Assert.Contains("login page", walled.Message);
        Assert.Contains("login page", offsite.Message);
    }

    [Fact]
    public async Task Keyless_off_asks_only_the_api()
    {
        await using var site = await FakeInstagramApi.StartAsync();
        site.Add(Shortcode, FakeInstagramMedia.Video());
        using var host = new SourcesTestHost(SourcesTestHost.With(site.Settings(), ("Instagram:Keyless", "false")));

        var (_, attempts) = await ExtractAsync(host, $"https://www.instagram.com/p/{Shortcode}/");

        Assert.Equal([new InstagramAttempt("rapidapi", "ok")], attempts);
        Assert.Equal(["GET /convert"], site.Requests);
    }
}
