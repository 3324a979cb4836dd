using AotBot.Core;
using AotBot.Testing.FakeTikTok;
using AotBot.Testing.FaultServer;
using AotBot.Tests.Telegram;

namespace AotBot.Tests.Reliability;

/// <summary>
/// A post whose media URLs point at loopback, link-local or other private addresses (what a hostile page or API
/// answer could carry): the address guard refuses every one, the user gets an error, and nothing reaches the
/// "intranet" service listening on 127.0.0.1. Private networks are NOT allowed here (the other bot specs allow them);
/// only the operator's own endpoints (the fake TikTok behind host overrides, the fake Bot API) are trusted.
/// </summary>
public sealed class PrivateAddressSpecs : FakeSitesSpecs
{
    private const long User = 9101;

    private int Port => Site.Port;

    /// <summary>The same loopback service spelt every way a URL can spell it, and the cloud metadata address.</summary>
    private string[] PrivateUrls =>
    [
        $"http://127.0.0.1:{Port}/secret",
        $"http://localhost:{Port}/secret",
        $"http://[::ffff:127.0.0.1]:{Port}/secret",
        $"http://2130706433:{Port}/secret",
        $"http://0x7f.0.0.1:{Port}/secret",
        $"http://[::1]:{Port}/secret",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    ];

    private protected override IEnumerable<string> Settings => ["--Http:AllowPrivateNetworks=false"];

    [Fact]
    public async Task A_video_whose_URLs_point_at_private_addresses_gets_an_error_and_no_request_leaves_for_them()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023971001") { EditItem = HostilePosts.VideoAt(PrivateUrls) });
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var reply = await bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        await bot.WaitForHandledAsync(id);
        var expected = Text(bot, "error_network");
        var logs = await bot.StopAsync();

        // Assert
        Assert.Equal(expected, reply["text"]);
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
        Assert.Empty(Site.Requests);
        Assert.Contains("Refused to connect to 169.254.169.254", logs);
        Assert.Contains("Refused to connect to localhost", logs);
    }

    [Fact]
    public async Task A_slideshow_whose_images_point_at_private_addresses_gets_an_error_and_no_request_leaves_for_them()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023971002")
        {
            Images = [.. Enumerable.Range(0, PrivateUrls.Length).Select(i => FakeMedia.Jpeg(900 + i))],
            EditItem = HostilePosts.ImagesAt(PrivateUrls),
        });
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var reply = await bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal(Text(bot, "error_network"), reply["text"]);
        Assert.Empty(bot.Api.CallsTo("sendMediaGroup"));
        Assert.Empty(bot.Api.CallsTo("sendPhoto"));
        Assert.Empty(Site.Requests);
    }

    [Fact]
    public async Task A_cover_and_music_at_a_private_address_are_refused_while_the_video_itself_is_sent()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023971003")
        {
            DurationSeconds = 75, // long enough for a thumbnail
            EditItem = HostilePosts.CoverAndMusicAt($"http://127.0.0.1:{Port}/secret"),
        });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];
        var id = bot.Api.Enqueue(bot.Updates.Callback(User, User, $"music_{post.Id}", messageId: 1));
        var answer = (await bot.Api.WaitForCallsAsync("answerCallbackQuery", 1))[0];
        var failure = await bot.Api.WaitForCallAsync("sendMessage", m => m.Sequence > answer.Sequence);
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal(post.VideoBytes, video.File("video")!.Bytes);
        Assert.Null(video.File("thumbnail"));
        Assert.Null(answer["text"]);
        Assert.Equal(Text(bot, "error_network"), failure["text"]);
        Assert.Empty(bot.Api.CallsTo("sendAudio"));
        Assert.Empty(Site.Requests);
    }

    [Fact]
    public async Task A_CDN_redirect_to_a_private_address_is_refused()
    {
        // Arrange: a CDN host (the operator's override, so trusted) that redirects to the intranet
        await using var cdn = FaultServer.Start().Map("/video.mp4", FaultReply.Redirect($"http://127.0.0.1:{Port}/secret"));
        var post = TikTok.Add(new FakeTikTokPost("7350810998023971004") { EditItem = HostilePosts.VideoAt("https://cdn.hostile.test/video.mp4") });
        await using var bot = await StartBotAsync($"--Http:HostOverrides:cdn.hostile.test={cdn.BaseUrl}");

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var reply = await bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal(Text(bot, "error_network"), reply["text"]);
        Assert.Single(cdn.RequestsTo("/video.mp4"));
        Assert.Empty(Site.Requests);
    }
}
