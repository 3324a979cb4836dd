using AotBot.Telegram;
using Telegram.Bot.Types;

namespace AotBot.Tests.Telegram;

public sealed class CaptionSpecs
{
    [Fact]
    public void I_get_the_seeds_caption_with_every_user_string_escaped()
    {
        var caption = Captions.Result("via @bot", "pre<view>", new Uri("https://www.tiktok.com/@a&b/video/1?x=<y>"));

        Assert.Equal("<b>via @bot</b> pre&lt;view&gt;\nhttps://www.tiktok.com/@a&amp;b/video/1?x=&lt;y&gt;", caption);
    }

    [Fact]
    public void A_caption_stays_within_1024_characters_whatever_the_link_and_name()
    {
        // Arrange
        var link = new Uri("https://www.tiktok.com/@user/video/1?" + new string('q', 5000));
        var user = new User { Id = 1, FirstName = new string('<', 300), LastName = new string('&', 300), Username = "u" };

        // Act
        var result = Captions.Result(new string('t', 2000), new string('p', 2000), link);
        var storage = Captions.Storage(user, link);

        // Assert: Telegram counts the text after entities are parsed
        Assert.InRange(Visible(result).Length, 1, Captions.MaxLength);
        Assert.InRange(Visible(storage).Length, 1, Captions.MaxLength);
    }

    [Fact]
    public void The_storage_caption_names_the_user_and_the_link()
    {
        var link = new Uri("https://www.tiktok.com/@a/video/7350810998023949599");

        Assert.Equal($"User: Ann Lee (@ann, 7)\nLink: {link}",
            Captions.Storage(new User { Id = 7, FirstName = "Ann", LastName = "Lee", Username = "ann" }, link));
        Assert.Equal($"User: Bob (8)\nLink: {link}", Captions.Storage(new User { Id = 8, FirstName = "Bob" }, link));
    }

    [Theory]
    [InlineData("/start", "start", null, false)]
    [InlineData("/start ref_42", "start", "ref_42", false)]
    [InlineData("/Lang@AotBot_Test_Bot", "lang", null, false)]
    [InlineData("/lang@other_bot", "lang", null, true)]
    [InlineData("/mode\nmore", "mode", "more", false)]
    public void I_can_address_a_command_to_this_bot_or_another(string text, string name, string? argument, bool forAnother)
    {
        var command = ChatCommand.TryParse(text, "aotbot_test_bot");

        Assert.Equal(new ChatCommand(name, argument, forAnother), command);
    }

    [Fact]
    public void Text_that_is_no_command_is_not_read_as_one() => Assert.Null(ChatCommand.TryParse("hello /start", "bot"));

    private static string Visible(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", ""));

    [Theory]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(128)]
    public void A_long_name_is_cut_without_splitting_an_emoji(int prefix)
    {
        // Arrange: emoji (surrogate pairs) from every offset across the 128-unit budget
        var name = new string('a', prefix) + string.Concat(Enumerable.Repeat("😀", 20));

        // Act
        var cut = Captions.Cut(name, 128);

        // Assert
        Assert.True(cut.Length <= 128);
        Assert.EndsWith("…", cut);
        Assert.False(char.IsHighSurrogate(cut[^2]), "a lone high surrogate before the ellipsis");
        Assert.Equal(cut, System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(cut)));
    }
}
