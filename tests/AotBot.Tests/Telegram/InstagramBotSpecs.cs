using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeInstagram;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Telegram;

/// <summary>Instagram links through the whole bot: the fake Bot API in front, the fake Instagram site (and API) behind.</summary>
public sealed class InstagramBotSpecs : IAsyncLifetime
{
    private const long User = 7301;
    private const string Shortcode = "DAzkjIhvK6x";
    private FakeInstagramApi _instagram = null!;

    public async Task InitializeAsync() => _instagram = await FakeInstagramApi.StartAsync();

    public async Task DisposeAsync() => await _instagram.DisposeAsync();

    private Task<BotHarness> StartBotAsync(bool withKey = false) => BotHarness.StartAsync(_instagram.CommandLineArgs(withKey));

    private static async Task<BotApiCall> SendAsync(BotHarness bot, string link, Func<BotApiCall, bool>? reply = null)
    {
        bot.Api.Enqueue(bot.Updates.Text(User, User, link));
        return await bot.Api.WaitForCallAsync("sendMessage", reply ?? (call => call["text"]!.Contains(Shortcode)));
    }

    [Fact]
    public async Task A_reel_comes_back_as_a_video_with_no_music_button()
    {
        // Arrange
        var bytes = FakeMedia.Mp4(7000);
        _instagram.Add(Shortcode, FakeInstagramMedia.Video(bytes));
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, $"https://www.instagram.com/reel/{Shortcode}/?igsh=abc"));
        var video = await bot.Api.WaitForCallAsync("sendVideo", _ => true);

        // Assert
        Assert.Equal(bytes, video.File("video")!.Bytes);
        Assert.Equal((720, 1280, 12), (video.Int("width"), video.Int("height"), video.Int("duration")));
        Assert.Contains($"https://www.instagram.com/reel/{Shortcode}/", video["caption"]);
        Assert.Empty(video.ButtonData);
        Assert.Empty(_instagram.Calls);
    }

    [Fact]
    public async Task A_photo_post_comes_back_as_a_photo_then_the_caption()
    {
        // Arrange
        var bytes = FakeMedia.Jpeg(3000);
        _instagram.Add(Shortcode, FakeInstagramMedia.Image(bytes));
        await using var bot = await StartBotAsync();

        // Act
        var caption = await SendAsync(bot, $"https://www.instagram.com/p/{Shortcode}/");

        // Assert
        var photo = Assert.Single(bot.Api.CallsTo("sendPhoto"));
        Assert.Equal(bytes, photo.File("photo")!.Bytes);
        Assert.True(photo.Sequence < caption.Sequence);
        Assert.Empty(caption.ButtonData);
    }

    [Fact]
    public async Task A_mixed_album_comes_back_as_one_album_with_its_photos_and_video_in_order()
    {
        // Arrange
        byte[] first = FakeMedia.Jpeg(1100), video = FakeMedia.Mp4(5500), last = FakeMedia.Jpeg(1300);
        _instagram.Add(Shortcode, FakeInstagramMedia.Image(first), FakeInstagramMedia.Video(video), FakeInstagramMedia.Image(last));
        await using var bot = await StartBotAsync();

        // Act
        var caption = await SendAsync(bot, $"https://www.instagram.com/p/{Shortcode}/");

        // Assert
        var album = Assert.Single(bot.Api.CallsTo("sendMediaGroup"));
        Assert.Equal(["photo", "video", "photo"], album.Media.Select(item => item.GetProperty("type").GetString()));
        Assert.Equal([first, video, last], Enumerable.Range(0, 3).Select(i => album.MediaFile(i)!.Bytes));
        Assert.True(album.Sequence < caption.Sequence);
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
    }

    [Fact]
    public async Task The_embed_page_serves_when_the_app_api_answers_a_login_redirect()
    {
        // Arrange
        _instagram.Add(Shortcode, FakeInstagramMedia.Video());
        _instagram.Block(FakeInstagramPath.AppApi, FakeInstagramBlock.LoginRedirect);
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, $"https://www.instagram.com/reel/{Shortcode}/"));
        await bot.Api.WaitForCallAsync("sendVideo", _ => true);

        // Assert
        Assert.Contains("GET /accounts/login/", _instagram.Requests);
        Assert.Contains($"GET /p/{Shortcode}/embed/captioned/", _instagram.Requests);
        Assert.DoesNotContain("POST /api/graphql", _instagram.Requests);
        Assert.Contains($"Instagram post {Shortcode}: the app_api path failed: login_redirect", await bot.StopAsync());
    }

    [Fact]
    public async Task All_paths_blocked_without_a_key_answers_the_rate_limit_message()
    {
        // Arrange
        _instagram.Add(Shortcode, FakeInstagramMedia.Video());
        _instagram.BlockAll(FakeInstagramBlock.LoginRedirect);
        await using var bot = await StartBotAsync();

        // Act
        var reply = await SendAsync(bot, $"https://www.instagram.com/reel/{Shortcode}/", call => call["text"]!.Contains("limiting"));

        // Assert
        Assert.Equal("The site is limiting requests right now. Please try again in a few minutes.", reply["text"]);
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
        var logs = await bot.StopAsync();
        foreach (var path in new[] { "app_api", "embed", "graphql" })
            Assert.Contains($"the {path} path failed: login_redirect", logs);
    }

    [Fact]
    public async Task All_paths_blocked_with_a_key_uses_the_api_answer()
    {
        // Arrange
        var bytes = FakeMedia.Mp4(4100);
        _instagram.Add(Shortcode, FakeInstagramMedia.Video(bytes));
        _instagram.BlockAll(FakeInstagramBlock.LoginRedirect);
        await using var bot = await StartBotAsync(withKey: true);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, $"https://www.instagram.com/reel/{Shortcode}/"));
        var video = await bot.Api.WaitForCallAsync("sendVideo", _ => true);

        // Assert
        Assert.Equal(bytes, video.File("video")!.Bytes);
        Assert.Equal(FakeInstagramApi.DefaultKey, Assert.Single(_instagram.Calls).Key);
    }

    [Fact]
    public async Task A_share_link_comes_back_as_its_post()
    {
        // Arrange
        var bytes = FakeMedia.Mp4(4200);
        _instagram.Add(Shortcode, FakeInstagramMedia.Video(bytes));
        var share = _instagram.AddShare("BAHsxy4Vsf", $"https://www.instagram.com/reel/{Shortcode}/?igsh=MWQ1ZGUxMzBkMA==");
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, $"look {share}"));
        var video = await bot.Api.WaitForCallAsync("sendVideo", _ => true);

        // Assert
        Assert.Equal(bytes, video.File("video")!.Bytes);
        Assert.Contains($"https://www.instagram.com/reel/{Shortcode}/", video["caption"]);
        Assert.Contains("GET /share/BAHsxy4Vsf/", _instagram.Requests);
    }

    [Fact]
    public async Task A_private_post_answers_the_private_message()
    {
        _instagram.Add(Shortcode, FakeInstagramMedia.Video());
        _instagram.BlockAll(FakeInstagramBlock.Private);
        await using var bot = await StartBotAsync();

        var reply = await SendAsync(bot, $"https://www.instagram.com/p/{Shortcode}/", call => call["text"]!.Contains("private"));

        Assert.Equal("This post or account is private.", reply["text"]);
    }
}
