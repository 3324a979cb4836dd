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

    // The documented alphabet, and the mapping done here with arbitrary-size integers, independently of the code.
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static string Expected(string shortcode)
    {
        var id = System.Numerics.BigInteger.Zero;
        foreach (var character in shortcode.Take(11)) id = id * 64 + Alphabet.IndexOf(character);
        return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("A", "0")]
    [InlineData("B", "1")]
    [InlineData("_", "63")]
    [InlineData("BA", "64")]
    [InlineData("C4xYz_AbCdE", null)]
    [InlineData("CUIx2ZnvyJz", null)]
    [InlineData("DAzkjIhvK6-", null)]
    [InlineData("_____", null)]
    public void I_get_the_media_id_of_a_shortcode_with_no_request(string value, string? known)
    {
        // Arrange
        var shortcode = InstagramShortcode.TryParse($"https://www.instagram.com/p/{value.PadLeft(5, 'A')}/")!.Value;

        // Act
        var mediaId = shortcode.MediaId;

        // Assert: leading 'A's are zeros, so padding keeps the number.
        Assert.Equal(known ?? Expected(value), mediaId);
        Assert.Equal(Expected(value.PadLeft(5, 'A')), mediaId);
    }

    [Fact]
    public void Only_the_first_eleven_characters_of_a_long_shortcode_form_the_media_id()
    {
        var longer = InstagramShortcode.TryParse("https://www.instagram.com/p/C4xYz_AbCdEYWJhYmNkZWZn/")!.Value;
        var plain = InstagramShortcode.TryParse("https://www.instagram.com/p/C4xYz_AbCdE/")!.Value;

        Assert.Equal(plain.MediaId, longer.MediaId);
        Assert.Equal("3320000000000000000".Length, plain.MediaId.Length);
    }

    [Theory]
    [InlineData("https://www.instagram.com/share/BAHsxy4Vsf/", true)]
    [InlineData("https://instagram.com/share/reel/BAHsxy4Vsf", true)]
    [InlineData("https://www.instagram.com/share/p/BAHsxy4Vsf/?igsh=abc", true)]
    [InlineData("https://www.instagram.com.evil.example/share/BAHsxy4Vsf/", false)]
    [InlineData("https://www.instagram.com/share/", false)]
    [InlineData("https://www.instagram.com/p/BAHsxy4Vsf/", false)]
    public void I_can_tell_a_share_link_with_no_request(string link, bool expected)
    {
        Assert.Equal(expected, InstagramShortcode.IsShareLink(new Uri(link)));
    }
}
