using AotBot.Core;
using AotBot.Testing.FakeTikTok;
using AotBot.Testing.FaultServer;
using AotBot.Tests.Telegram;

namespace AotBot.Tests.Reliability;

/// <summary>
/// Trust follows the route, not the address: a post whose media URLs name the exact host and port of an operator
/// endpoint (the override target serving TikTok, the local Bot API server, the fallback API as configured) is
/// refused like any private address, and nothing arrives there; the same media reached through the override's
/// host name still come. Private networks are NOT allowed here.
/// </summary>
public sealed class OperatorRouteSpecs : FakeSitesSpecs
{
    private const long User = 9201;

    private protected override IEnumerable<string> Settings =>
        ["--Http:AllowPrivateNetworks=false", $"--TikTok:ApiFallbackUrl={FallbackApi}"];

    /// <summary>The fallback API as the operator configured it: a bare loopback address, no override.</summary>
    private string FallbackApi => $"http://localhost:{TikTok.BaseUrl.Port}/aweme/v1/detail";

    public enum Endpoint { OverrideTarget, BotApi, FallbackApi }

    /// <summary>A URL naming <paramref name="endpoint"/>'s exact host and port, on a path that would do harm there.</summary>
    private string At(Endpoint endpoint, BotHarness bot) => endpoint switch
    {
        Endpoint.OverrideTarget => $"http://127.0.0.1:{TikTok.BaseUrl.Port}/hostile/media",
        Endpoint.BotApi => $"{bot.Api.BaseUrl.AbsoluteUri.TrimEnd('/')}/bot{bot.Api.Token}/logOut",
        _ => $"{FallbackApi}?aweme_id=7350810998023972999",
    };

    private void AssertNothingArrived(BotHarness bot)
    {
        Assert.Equal(0, TikTok.Count("/hostile/media"));
        Assert.Equal(0, TikTok.FallbackRequests);
        Assert.Empty(bot.Api.CallsTo("logOut"));
    }

    [Fact]
    public async Task A_video_whose_URLs_name_the_operator_endpoints_gets_a_network_error_and_none_of_them_is_reached()
    {
        // Arrange: the URLs are known once the bot runs; the page is rendered when the bot asks for it
        string[] urls = [];
        var post = TikTok.Add(new FakeTikTokPost("7350810998023972001") { EditItem = item => HostilePosts.VideoAt(urls)(item) });
        await using var bot = await StartBotAsync();
        urls = [.. Enum.GetValues<Endpoint>().Select(e => At(e, bot))];

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var reply = await bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        await bot.WaitForHandledAsync(id);
        var expected = Text(bot, "error_network");
        var logs = await bot.StopAsync();

        // Assert
        Assert.Equal(expected, reply["text"]);
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
        AssertNothingArrived(bot);
        Assert.Contains("Refused to connect to 127.0.0.1", logs);
        Assert.Contains("Refused to connect to localhost", logs);
    }

    [Fact]
    public async Task A_slideshow_whose_images_name_the_operator_endpoints_gets_a_network_error_and_none_of_them_is_reached()
    {
        // Arrange
        string[] urls = [];
        var post = TikTok.Add(new FakeTikTokPost("7350810998023972002")
        {
            Images = [FakeMedia.Jpeg(901), FakeMedia.Jpeg(902), FakeMedia.Jpeg(903)],
            EditItem = item => HostilePosts.ImagesAt(urls)(item),
        });
        await using var bot = await StartBotAsync();
        urls = [.. Enum.GetValues<Endpoint>().Select(e => At(e, bot))];

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var reply = await bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal(Text(bot, "error_network"), reply["text"]);
        Assert.Empty(bot.Api.CallsTo("sendMediaGroup"));
        Assert.Empty(bot.Api.CallsTo("sendPhoto"));
        AssertNothingArrived(bot);
    }

    [Theory]
    [InlineData(Endpoint.OverrideTarget)]
    [InlineData(Endpoint.BotApi)]
    [InlineData(Endpoint.FallbackApi)]
    public async Task A_cover_and_music_naming_an_operator_endpoint_are_refused_while_the_video_is_sent(Endpoint endpoint)
    {
        // Arrange
        var url = "";
        var post = TikTok.Add(new FakeTikTokPost($"735081099802397201{(int)endpoint}")
        {
            DurationSeconds = 75, // long enough for a thumbnail
            EditItem = item => HostilePosts.CoverAndMusicAt(url)(item),
        });
        await using var bot = await StartBotAsync();
        url = At(endpoint, bot);

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
        AssertNothingArrived(bot);
    }

    [Theory]
    [InlineData(Endpoint.OverrideTarget)]
    [InlineData(Endpoint.BotApi)]
    [InlineData(Endpoint.FallbackApi)]
    public async Task A_CDN_redirect_to_an_operator_endpoints_address_leaves_the_trusted_route_and_is_refused(Endpoint endpoint)
    {
        // Arrange: the CDN is the operator's override (trusted by name); its Location names the endpoint's address
        var post = TikTok.Add(new FakeTikTokPost($"735081099802397202{(int)endpoint}") { EditItem = HostilePosts.VideoAt("https://cdn.route.test/video.mp4") });
        await using var bot = await StartBotAsync($"--Http:HostOverrides:cdn.route.test={Site.BaseUrl}");
        Site.Map("/video.mp4", FaultReply.Redirect(At(endpoint, bot)));

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var reply = await bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal(Text(bot, "error_network"), reply["text"]);
        Assert.NotEmpty(Site.RequestsTo("/video.mp4"));
        AssertNothingArrived(bot);
    }

    [Fact]
    public async Task The_fallback_API_on_loopback_and_media_through_the_override_names_still_work()
    {
        // Arrange: the page is blocked, so the bot asks the fallback API the operator configured at a loopback address
        var post = TikTok.Add(new FakeTikTokPost("7350810998023972030"));
        TikTok.BlockPages(FakeTikTokBlock.Forbidden);
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal(post.VideoBytes, video.File("video")!.Bytes);
        Assert.True(TikTok.FallbackRequests >= 1);
    }
}
