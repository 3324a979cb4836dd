using AotBot.Sources.TikTok;
using AotBot.Tests.Sources.TestData;

namespace AotBot.Tests.Sources.TikTok;

public sealed class TikTokPostIdSpecs
{
    [Theory]
    [InlineData(TikTokLinks.Video)]
    [InlineData(TikTokLinks.VideoFromWebApp)]
    [InlineData(TikTokLinks.VideoAnyUser)]
    [InlineData(TikTokLinks.MobileVideo)]
    [InlineData(TikTokLinks.MobileV)]
    [InlineData(TikTokLinks.MobileVWithoutHtml)]
    [InlineData(TikTokLinks.Embed)]
    [InlineData(TikTokLinks.EmbedV1)]
    [InlineData(TikTokLinks.Share)]
    [InlineData(TikTokLinks.ItemIdQuery)]
    [InlineData(TikTokLinks.ShareItemIdQuery)]
    [InlineData(TikTokLinks.WithoutScheme)]
    [InlineData(TikTokLinks.Http)]
    [InlineData(TikTokLinks.VideoId)]
    public void I_can_parse_a_post_id_from_every_link_form(string link)
    {
        // Act
        var id = TikTokPostId.TryParse(link);

        // Assert
        Assert.Equal(TikTokLinks.VideoId, id?.Value);
    }

    [Fact]
    public void I_can_parse_a_photo_link_and_get_the_page_url_of_its_post()
    {
        // Act
        var id = TikTokPostId.Parse(TikTokLinks.Photo);

        // Assert
        Assert.Equal(TikTokLinks.PhotoId, id.Value);
        Assert.Equal($"https://www.tiktok.com/@_/video/{TikTokLinks.PhotoId}", id.PageUrl.AbsoluteUri);
    }

    [Theory]
    [InlineData(TikTokLinks.ShortVm)]
    [InlineData(TikTokLinks.ShortVt)]
    [InlineData(TikTokLinks.ShortT)]
    [InlineData(TikTokLinks.Profile)]
    [InlineData(TikTokLinks.Home)]
    [InlineData(TikTokLinks.OtherSite)]
    [InlineData(TikTokLinks.LookAlikeHost)]
    [InlineData("https://www.tiktok.com/@a/video/123")]
    [InlineData("https://www.tiktok.com/@a/video/7350810998023949599abc")]
    [InlineData("javascript:alert(1)//www.tiktok.com/@a/video/7350810998023949599")]
    [InlineData("ftp://www.tiktok.com/@a/video/7350810998023949599")]
    [InlineData("")]
    [InlineData(null)]
    public void I_get_no_id_from_a_link_without_one(string? link)
    {
        Assert.Null(TikTokPostId.TryParse(link));
    }

    [Theory]
    [InlineData(TikTokLinks.ShortVm, true)]
    [InlineData(TikTokLinks.ShortVt, true)]
    [InlineData(TikTokLinks.ShortT, true)]
    [InlineData("https://vm.tiktok.com/ZMhvqKo7x", true)]
    [InlineData(TikTokLinks.Video, false)]
    [InlineData(TikTokLinks.Profile, false)]
    [InlineData("https://vm.tiktok.com/", false)]
    [InlineData("https://vm.tiktok.com.evil.example/ZMhvqKo7x/", false)]
    public void I_can_tell_a_short_link_from_the_rest(string link, bool isShort)
    {
        Assert.Equal(isShort, TikTokPostId.IsShortLink(new Uri(link)));
    }

    [Fact]
    public void I_get_an_unsupported_link_error_when_parsing_a_link_without_an_id()
    {
        Assert.Throws<UnsupportedLinkException>(() => TikTokPostId.Parse(TikTokLinks.Profile));
    }
}
