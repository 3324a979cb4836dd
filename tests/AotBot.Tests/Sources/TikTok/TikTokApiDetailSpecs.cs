using AotBot.Http;
using AotBot.Sources.TikTok;
using AotBot.Sources;
using static AotBot.Tests.Sources.TikTok.TikTokFixtures;

namespace AotBot.Tests.Sources.TikTok;

public sealed class TikTokApiDetailSpecs
{
    private static MediaPost Map(string fixture, TikTokPostId id)
    {
        var detail = TikTokApiDetail.TryParse(Read(fixture), id)!;
        Assert.Null(TikTokMapping.ApiStatusError(id, detail));
        return TikTokMapping.ToPost(id, detail.Item!, DownloadContext.Plain(), NoLimit);
    }

    [Fact]
    public void I_can_read_an_aweme_detail_video_with_its_duration_in_milliseconds_and_h264_first()
    {
        // Act
        var video = Assert.IsType<Video>(Map("aweme-video.json", VideoId));

        // Assert
        Assert.Equal(TimeSpan.FromMilliseconds(23456), video.Duration);
        Assert.Equal((576, 1024), (video.Width, video.Height));
        Assert.Equal("https://v16m.tiktokcdn.com/video/h264/play.mp4", video.File.Urls[0].AbsoluteUri);
        Assert.Equal("https://v16m.tiktokcdn.com/video/h264/540.mp4", video.File.Urls[1].AbsoluteUri);
        Assert.Equal(new Author("dancer.jane", "Jane Dancer"), video.Author);
        Assert.Equal(new PostStats(48213, 1204533), video.Stats);
        Assert.Equal("https://p16-sign-va.tiktokcdn.com/obj/aweme-cover.jpeg", video.Cover!.Urls[0].AbsoluteUri);
    }

    [Fact]
    public void I_can_read_the_music_of_an_aweme_detail_with_the_next_cover_when_the_large_one_is_empty()
    {
        // Act
        var music = Map("aweme-video.json", VideoId).Music!;

        // Assert
        Assert.Equal("7350810999999999999", music.Id);
        Assert.Equal("Jane Dancer", music.Author);
        Assert.Equal(TimeSpan.FromSeconds(23), music.Duration);
        Assert.Equal("https://p16-sign-va.tiktokcdn.com/music~c5_720x720.jpeg", music.Cover!.Urls[0].AbsoluteUri);
    }

    [Fact]
    public void I_can_read_a_photo_post_out_of_an_aweme_list_by_its_id()
    {
        // Act
        var slideshow = Assert.IsType<Slideshow>(Map("aweme-list-photo.json", PhotoId));

        // Assert
        Assert.Equal(12, slideshow.Images.Count);
        Assert.EndsWith("img0~tplv-photomode-image.heic", slideshow.Images[0].Urls[0].AbsoluteUri);
        Assert.EndsWith("img11~tplv-photomode-image.jpeg", slideshow.Images[11].Urls[1].AbsoluteUri);
        Assert.Equal(new PostStats(77, 1000), slideshow.Stats);
        Assert.Equal(TimeSpan.FromSeconds(60), slideshow.Music!.Duration);
    }

    [Theory]
    [InlineData("aweme-deleted.json", typeof(MediaDeletedException))]
    [InlineData("aweme-private.json", typeof(MediaPrivateException))]
    public void I_can_read_an_answer_without_a_usable_post_and_get_its_typed_error(string fixture, Type expected)
    {
        // Act
        var error = TikTokMapping.ApiStatusError(VideoId, TikTokApiDetail.TryParse(Read(fixture), VideoId)!);

        // Assert
        Assert.IsType(expected, error);
    }

    [Theory]
    [InlineData("<html>Access denied</html>")]
    [InlineData("[]")]
    [InlineData("")]
    [InlineData("{\"aweme_detail\":")]
    public void I_get_nothing_from_an_answer_that_is_not_a_json_object(string body)
    {
        Assert.Null(TikTokApiDetail.TryParse(body, VideoId));
    }

    [Theory]
    [InlineData("https://api.example/detail", "https://api.example/detail?aweme_id=7350810998023949599")]
    [InlineData("https://api.example/detail?region=US", "https://api.example/detail?region=US&aweme_id=7350810998023949599")]
    [InlineData("https://api.example/v1/post/{id}?hd=1", "https://api.example/v1/post/7350810998023949599?hd=1")]
    public void I_can_build_the_fallback_url_from_its_template(string template, string expected)
    {
        Assert.Equal(expected, TikTokSource.FallbackUrl(template, VideoId).AbsoluteUri);
    }
}
