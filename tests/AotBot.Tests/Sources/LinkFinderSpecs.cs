using AotBot.Sources;
using AotBot.Tests.Sources.TestData;

namespace AotBot.Tests.Sources;

public sealed class LinkFinderSpecs : IDisposable
{
    private readonly SourcesTestHost _host = new([]);

    private LinkFinder Finder => _host.Links;

    public void Dispose() => _host.Dispose();

    private static string[] Texts(IReadOnlyList<Uri> links) => [.. links.Select(link => link.AbsoluteUri)];

    [Fact]
    public void I_can_find_the_supported_links_of_a_text_in_order_and_skip_other_sites()
    {
        // Arrange
        var text = $"look {TikTokLinks.Video} and {TikTokLinks.OtherSite} then https://www.instagram.com/reel/C4xYz_AbCdE/ and {TikTokLinks.ShortVm}";

        // Act
        var links = Finder.Find(text);

        // Assert
        Assert.Equal([TikTokLinks.Video, "https://www.instagram.com/reel/C4xYz_AbCdE/", TikTokLinks.ShortVm], Texts(links));
    }

    [Fact]
    public void I_can_find_links_hidden_behind_text_links_in_the_order_they_appear()
    {
        // Arrange
        const string text = "first this video, then https://vt.tiktok.com/ZSFxJ3abc/ and that one";
        MessageLink[] entities =
        [
            new(text.IndexOf("that one", StringComparison.Ordinal), 8, TikTokLinks.Photo),
            new(text.IndexOf("this video", StringComparison.Ordinal), 10, TikTokLinks.Video),
            new(text.IndexOf("https://vt", StringComparison.Ordinal), 34),
        ];

        // Act
        var links = Finder.Find(text, entities);

        // Assert
        Assert.Equal([TikTokLinks.Video, TikTokLinks.ShortVt, TikTokLinks.Photo], Texts(links));
    }

    [Fact]
    public void I_can_find_a_url_entity_without_a_scheme_after_characters_outside_the_basic_plane()
    {
        // Arrange: emoji are two UTF-16 code units each, as Telegram counts offsets.
        const string text = "😀😀 vm.tiktok.com/ZMhvqKo7x/";
        MessageLink[] entities = [new(5, 24)];

        // Act
        var links = Finder.Find(text, entities);

        // Assert
        Assert.Equal([TikTokLinks.ShortVm], Texts(links));
    }

    [Fact]
    public void I_get_each_link_once_however_often_it_appears()
    {
        // Arrange
        var text = $"{TikTokLinks.Video} {TikTokLinks.Video} again: {TikTokLinks.Video}/ http{TikTokLinks.Video[5..]}";
        MessageLink[] entities = [new(0, TikTokLinks.Video.Length), new(70, 5, TikTokLinks.Video)];

        // Act
        var links = Finder.Find(text, entities);

        // Assert
        Assert.Equal([TikTokLinks.Video], Texts(links));
    }

    [Fact]
    public void I_get_at_most_10_links_from_a_message_with_100()
    {
        // Arrange
        var ids = Enumerable.Range(0, 100).Select(i => $"73508109980239{i:00000}").ToArray();
        var text = string.Join(" ", ids.Select(id => $"https://www.tiktok.com/@u/video/{id}"));

        // Act
        var links = Finder.Find(text);

        // Assert
        Assert.Equal(ids.Take(LinkFinder.DefaultMaxLinks).Select(id => $"https://www.tiktok.com/@u/video/{id}"), Texts(links));
    }

    [Fact]
    public void I_get_no_links_from_javascript_file_or_other_schemes()
    {
        // Arrange
        const string text = "javascript:alert('x')//www.tiktok.com/@a/video/7350810998023949599 " +
            "file:///home/u/www.tiktok.com/@a/video/7350810998023949599 ftp://vm.tiktok.com/ZMhvqKo7x/ " +
            "javascript:https://vm.tiktok.com/ZMhvqKo7x/ xhttps://vm.tiktok.com/ZMhvqKo7x/";
        MessageLink[] entities =
        [
            new(0, 5, "javascript:alert(document.cookie)//https://www.tiktok.com/@a/video/7350810998023949599"),
            new(6, 5, "file:///etc/passwd"),
            new(12, 5, "tg://resolve?domain=tiktok"),
        ];

        // Act
        var links = Finder.Find(text, entities);

        // Assert
        Assert.Empty(links);
    }

    [Fact]
    public void I_can_find_a_link_wrapped_in_punctuation()
    {
        // Act
        var links = Finder.Find($"(see «{TikTokLinks.ShortVm}»), or <{TikTokLinks.Video}>.");

        // Assert
        Assert.Equal([TikTokLinks.ShortVm, TikTokLinks.Video], Texts(links));
    }

    [Fact]
    public void I_can_ignore_entities_that_point_outside_the_text()
    {
        // Act
        var links = Finder.Find("short", [new(-1, 3), new(2, 50), new(0, 0), new(5, 1)]);

        // Assert
        Assert.Empty(links);
    }

    [Fact]
    public void I_can_find_text_links_of_a_message_without_text()
    {
        Assert.Equal([TikTokLinks.Video], Texts(Finder.Find(null, [new(0, 4, TikTokLinks.Video)])));
    }

    [Fact]
    public void I_can_pick_the_source_of_each_link()
    {
        var sources = _host.Sources;

        Assert.Equal("tiktok", sources.Find(new Uri(TikTokLinks.ShortT))?.Name);
        Assert.Equal("instagram", sources.Find(new Uri("https://www.instagram.com/tv/C4xYz_AbCdE/"))?.Name);
        Assert.Null(sources.Find(new Uri(TikTokLinks.Profile)));
        Assert.Null(sources.Find(new Uri(TikTokLinks.OtherSite)));
    }
}
