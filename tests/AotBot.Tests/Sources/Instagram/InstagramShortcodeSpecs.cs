using AotBot.Sources.Instagram;

namespace AotBot.Tests.Sources.Instagram;

public sealed class InstagramShortcodeSpecs
{
    [Theory]
    [InlineData("https://www.instagram.com/p/C4xYz_AbCdE/", "p")]
    [InlineData("https://www.instagram.com/p/C4xYz_AbCdE/?igsh=MTc4MmM1YmI2Ng==", "p")]
    [InlineData("https://instagram.com/reel/C4xYz_AbCdE", "reel")]
    [InlineData("https://www.instagram.com/reels/C4xYz_AbCdE/", "reels")]
    [InlineData("https://www.instagram.com/tv/C4xYz_AbCdE/", "tv")]
    [InlineData("https://www.instagram.com/some.user/p/C4xYz_AbCdE/", "p")]
    [InlineData("instagram.com/reel/C4xYz_AbCdE/", "reel")]
    public void I_can_parse_the_shortcode_of_every_post_link_form(string link, string kind)
    {
        // Act
        var shortcode = InstagramShortcode.TryParse(link);

        // Assert
        Assert.Equal("C4xYz_AbCdE", shortcode?.Value);
        Assert.Equal(kind, shortcode?.Kind);
    }

    [Fact]
    public void I_can_get_a_canonical_link_without_tracking_parameters()
    {
        var shortcode = InstagramShortcode.TryParse("https://www.instagram.com/reels/C4xYz_AbCdE/?igsh=abc")!.Value;

        Assert.Equal("https://www.instagram.com/reel/C4xYz_AbCdE/", shortcode.Url.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://www.instagram.com/some.user/")]
    [InlineData("https://www.instagram.com/stories/some.user/3300000000000000000/")]
    [InlineData("https://www.instagram.com.evil.example/p/C4xYz_AbCdE/")]
    [InlineData("https://www.tiktok.com/p/C4xYz_AbCdE/")]
    [InlineData("file:///www.instagram.com/p/C4xYz_AbCdE/")]
    [InlineData("")]
    public void I_get_no_shortcode_from_other_links(string link)
    {
        Assert.Null(InstagramShortcode.TryParse(link));
    }
}
