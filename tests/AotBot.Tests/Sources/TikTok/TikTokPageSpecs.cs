using AotBot.Sources;
using AotBot.Sources.TikTok;
using static AotBot.Tests.Sources.TikTok.TikTokFixtures;

namespace AotBot.Tests.Sources.TikTok;

public sealed class TikTokPageSpecs
{
    [Fact]
    public void I_can_read_a_video_page_and_get_the_h264_rendition_first()
    {
        // Act
        var video = Assert.IsType<Video>(MapPage("video.html", VideoId));

        // Assert
        Assert.Equal("tiktok", video.Source);
        Assert.Equal(TestData.TikTokLinks.VideoId, video.PostId);
        Assert.Equal(TestData.TikTokLinks.Video, video.Link.AbsoluteUri);
        Assert.Equal(new Author("dancer.jane", "Jane Dancer"), video.Author);
        Assert.Equal("Monday mood 💃 #dance #fyp", video.Description);
        Assert.Equal(new PostStats(48213, 1204533), video.Stats);
        Assert.Equal((576, 1024, TimeSpan.FromSeconds(23)), (video.Width, video.Height, video.Duration));
        // playAddr is H.265 on this page: the H.264 bitrate rendition (and its mirror) go first, then H.265 by
        // resolution, and the watermarked downloadAddr last.
        Assert.Contains("/h264_540a/", video.File.Urls[0].AbsoluteUri);
        Assert.Contains("/h264_540b/", video.File.Urls[1].AbsoluteUri);
        Assert.Contains("/h265_720a/", video.File.Urls[2].AbsoluteUri);
        Assert.Contains("/h265download/", video.File.Urls[^1].AbsoluteUri);
        Assert.Equal(7, video.File.Urls.Count);
        Assert.Equal(new VideoRendition("h264", 576, 1024, 2811111, HasSound: true, Watermarked: false), video.Rendition);
        Assert.Contains("cover1", video.Cover!.Urls[0].AbsoluteUri);
        Assert.Contains("origin1", video.Cover.Urls[1].AbsoluteUri);
    }

    [Fact]
    public void I_can_read_the_music_of_a_post_with_its_largest_cover_first()
    {
        // Act
        var music = MapPage("video.html", VideoId).Music!;

        // Assert
        Assert.Equal("7350810999999999999", music.Id);
        Assert.Equal("original sound - dancer.jane", music.Title);
        Assert.Equal("Jane Dancer", music.Author);
        Assert.Equal(TimeSpan.FromSeconds(23), music.Duration);
        Assert.EndsWith(".mp3", music.File!.Urls[0].AbsolutePath);
        Assert.Equal(["c5_1080x1080", "c5_720x720", "c5_100x100"], music.Cover!.Urls.Select(u => u.AbsolutePath.Split('~')[1].Split('.')[0]));
    }

    [Fact]
    public void I_can_read_a_photo_post_as_a_slideshow_of_12_images_in_order()
    {
        // Act
        var slideshow = Assert.IsType<Slideshow>(MapPage("photo.html", PhotoId));

        // Assert
        Assert.Equal(TestData.TikTokLinks.Photo, slideshow.Link.AbsoluteUri);
        Assert.Equal(12, slideshow.Images.Count);
        for (var i = 0; i < 12; i++)
        {
            var image = slideshow.Images[i];
            Assert.Contains($"img{i:00}~tplv-photomode-image.heic", image.Urls[0].AbsoluteUri);
            Assert.Contains($"img{i:00}~tplv-photomode-image.jpeg", image.Urls[1].AbsoluteUri);
            Assert.Equal((1080, i % 2 == 0 ? 1440 : 1350), (image.Width, image.Height));
        }
        Assert.Equal("Trip to the mountains 🏔️", slideshow.Description);
        Assert.NotNull(slideshow.Music);
    }

    [Fact]
    public void I_can_read_an_older_SIGI_STATE_page_with_the_author_as_a_plain_string()
    {
        // Act
        var video = Assert.IsType<Video>(MapPage("video-sigi.html", VideoId));

        // Assert
        Assert.Equal(new Author("dancer.jane", "Jane Dancer"), video.Author);
        Assert.Equal(new PostStats(48213, 1204533), video.Stats);
        Assert.Contains("/h264_540a/", video.File.Urls[0].AbsoluteUri);
    }

    [Theory]
    [InlineData("deleted.html", typeof(MediaDeletedException))]
    [InlineData("under-review.html", typeof(MediaDeletedException))]
    [InlineData("private.html", typeof(MediaPrivateException))]
    [InlineData("region-blocked.html", typeof(MediaRegionBlockedException))]
    public void I_can_read_a_status_page_and_get_its_typed_error(string fixture, Type expected)
    {
        // Arrange
        var page = Page(fixture);

        // Act
        var error = TikTokMapping.PageStatusError(VideoId, page.StatusCode!.Value, page.StatusMessage);

        // Assert
        Assert.Null(page.Item);
        Assert.IsType(expected, error);
    }

    [Fact]
    public void I_get_not_available_for_an_unknown_status_code()
    {
        Assert.IsType<MediaUnavailableException>(TikTokMapping.PageStatusError(VideoId, 10101, "unknown"));
    }

    [Theory]
    [InlineData("captcha.html")]
    [InlineData("home.html")]
    public void I_get_no_page_from_a_captcha_or_the_home_page(string fixture)
    {
        Assert.Null(TikTokPage.TryParse(Read(fixture)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("<html><script id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\" type=\"application/json\">{\"__DEFAULT_SCOPE__\":{\"webapp.video-de</script></html>")]
    [InlineData("<html><script id=\"__UNIVERSAL_DATA_FOR_REHYDRATION__\" type=\"application/json\">[1,2]</script></html>")]
    public void I_get_no_page_from_an_empty_body_or_broken_json(string? html)
    {
        Assert.Null(TikTokPage.TryParse(html));
    }

    [Fact]
    public void I_can_read_a_page_with_missing_and_null_fields()
    {
        // Act
        var video = Assert.IsType<Video>(MapPage("missing-fields.html", VideoId));

        // Assert
        Assert.Null(video.Author);
        Assert.Null(video.Description);
        Assert.Null(video.Stats);
        Assert.Null(video.Music);
        Assert.Null(video.Cover);
        Assert.Single(video.File.Urls);
        Assert.Equal(TimeSpan.FromSeconds(7), video.Duration);
        Assert.Equal("https://www.tiktok.com/@_/video/7350810998023949599", video.Link.AbsoluteUri);
    }

    [Fact]
    public void I_get_an_extraction_error_for_a_post_without_any_media_url()
    {
        var error = Assert.Throws<MediaExtractionException>(() => MapPage("no-media.html", VideoId));

        Assert.Contains("video URL", error.Message);
    }

    [Fact]
    public void I_can_read_an_h265_only_video_and_get_its_h265_renditions()
    {
        // Act
        var video = Assert.IsType<Video>(MapPage("video-h265-only.html", VideoId));

        // Assert
        Assert.DoesNotContain(video.File.Urls, url => url.AbsoluteUri.Contains("h264"));
        Assert.Contains("/h265_720a/", video.File.Urls[0].AbsoluteUri);
    }

    [Fact]
    public void I_get_a_too_long_error_for_a_video_over_the_limit()
    {
        var error = Assert.Throws<MediaTooLongException>(() => MapPage("video.html", VideoId, maxDuration: TimeSpan.FromSeconds(20)));

        Assert.Equal(TimeSpan.FromSeconds(23), error.Duration);
    }

    [Fact]
    public void A_slideshow_is_never_too_long()
    {
        Assert.IsType<Slideshow>(MapPage("photo.html", PhotoId, maxDuration: TimeSpan.FromSeconds(1)));
    }
}
