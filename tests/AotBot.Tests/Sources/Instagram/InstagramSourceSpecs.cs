using AotBot.Core;
using AotBot.Localization;
using AotBot.Sources.Instagram;
using AotBot.Sources;
using AotBot.Testing.FakeInstagram;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Sources.Instagram;

/// <summary>The downloader API path alone (<c>Instagram:Keyless=false</c>); the keyless paths: InstagramKeylessSpecs.</summary>
public sealed class InstagramSourceSpecs
{
    private const string Shortcode = "C4xYz_AbCdE";

    private static IEnumerable<KeyValuePair<string, string?>> ApiOnly(FakeInstagramApi api) =>
        SourcesTestHost.With(api.Settings(), ("Instagram:Keyless", "false"));

    [Fact]
    public async Task I_can_extract_a_reel_as_a_video_with_its_thumbnail_as_cover()
    {
        // Arrange
        await using var api = await FakeInstagramApi.StartAsync();
        api.Add(Shortcode, FakeInstagramMedia.Video(FakeMedia.Mp4(5000)));
        using var host = new SourcesTestHost(ApiOnly(api));

        // Act
        var video = Assert.IsType<Video>(await host.ExtractAsync($"https://www.instagram.com/reel/{Shortcode}/?igsh=tracking"));
        await using var file = await host.Downloader.DownloadAsync(video.File, video.Download, CancellationToken.None);

        // Assert
        Assert.Equal(("instagram", Shortcode), (video.Source, video.PostId));
        Assert.Equal($"https://www.instagram.com/reel/{Shortcode}/", video.Link.AbsoluteUri);
        Assert.EndsWith("/thumbnail", video.Cover!.Urls[0].AbsolutePath);
        Assert.Equal(5000, file.Length);
        var call = Assert.Single(api.Calls);
        Assert.Equal(($"https://www.instagram.com/reel/{Shortcode}/", FakeInstagramApi.DefaultKey, FakeInstagramApi.ApiHost), call);
    }

    [Fact]
    public async Task I_can_extract_a_carousel_as_a_slideshow_of_its_images_and_videos_in_order()
    {
        // Arrange
        await using var api = await FakeInstagramApi.StartAsync();
        api.Add(Shortcode,
            FakeInstagramMedia.Image(FakeMedia.Jpeg(100)), FakeInstagramMedia.Video(),
            FakeInstagramMedia.Image(FakeMedia.Jpeg(200)), FakeInstagramMedia.Image(FakeMedia.Jpeg(300)));
        using var host = new SourcesTestHost(ApiOnly(api));

        // Act
        var slideshow = Assert.IsType<Slideshow>(await host.ExtractAsync($"https://www.instagram.com/p/{Shortcode}/"));
        var files = await host.Downloader.DownloadAllAsync(slideshow.Images, slideshow.Download, CancellationToken.None);

        // Assert: the video stays in its place, marked as a video.
        Assert.Equal([100, 4096, 200, 300], files.Select(outcome => outcome.File!.Length));
        Assert.Equal(["/media/C4xYz_AbCdE/0", "/media/C4xYz_AbCdE/1", "/media/C4xYz_AbCdE/2", "/media/C4xYz_AbCdE/3"], slideshow.Images.Select(image => image.Urls[0].AbsolutePath));
        Assert.Equal([false, true, false, false], slideshow.Images.Select(image => image.IsVideo));
        foreach (var outcome in files) await outcome.File!.DisposeAsync();
    }

    [Fact]
    public async Task I_can_extract_a_single_image_post_as_a_slideshow_of_one()
    {
        // Arrange
        await using var api = await FakeInstagramApi.StartAsync();
        api.Add(Shortcode, FakeInstagramMedia.Image());
        using var host = new SourcesTestHost(ApiOnly(api));

        // Act
        var slideshow = Assert.IsType<Slideshow>(await host.ExtractAsync($"https://instagram.com/p/{Shortcode}"));

        // Assert
        Assert.Single(slideshow.Images);
    }

    [Theory]
    [InlineData(404, typeof(InstagramNotFoundException))]
    [InlineData(429, typeof(RateLimitedException))]
    [InlineData(500, typeof(NetworkException))]
    [InlineData(503, typeof(NetworkException))]
    public async Task I_get_the_typed_error_of_an_api_failure(int status, Type expected)
    {
        // Arrange
        await using var api = await FakeInstagramApi.StartAsync();
        api.Fail(Shortcode, status);
        using var host = new SourcesTestHost(ApiOnly(api));

        // Act
        var error = await Assert.ThrowsAnyAsync<AotBotException>(() => host.ExtractAsync($"https://www.instagram.com/p/{Shortcode}/"));

        // Assert
        Assert.IsType(expected, error);
    }

    [Fact]
    public async Task I_get_not_found_for_a_post_the_api_does_not_know()
    {
        await using var api = await FakeInstagramApi.StartAsync();
        using var host = new SourcesTestHost(ApiOnly(api));

        await Assert.ThrowsAsync<InstagramNotFoundException>(() => host.ExtractAsync("https://www.instagram.com/p/Unknown123/"));
    }

    [Fact]
    public async Task I_get_a_not_configured_error_with_keyless_off_and_no_api_key_and_no_call_is_made()
    {
        // Arrange
        await using var api = await FakeInstagramApi.StartAsync();
        api.Add(Shortcode, FakeInstagramMedia.Video());
        using var host = new SourcesTestHost(SourcesTestHost.With(api.Settings(withKey: false), ("Instagram:Keyless", "false")));
        var link = new Uri($"https://www.instagram.com/reel/{Shortcode}/");

        // Act
        var error = await Assert.ThrowsAsync<SourceNotConfiguredException>(() => host.ExtractAsync(link.AbsoluteUri));

        // Assert: the link is still recognised, so the user gets an answer rather than silence.
        Assert.Equal("instagram", error.SourceName);
        Assert.Equal("instagram", host.Sources.Find(link)?.Name);
        Assert.Empty(api.Calls);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public void The_not_found_error_has_its_own_message_key()
    {
        using var host = new SourcesTestHost([]);

        var keys = host.Get<IEnumerable<ErrorKey>>();

        Assert.Contains(new ErrorKey(typeof(InstagramNotFoundException), "error_instagram_not_found"), keys);
    }
}
