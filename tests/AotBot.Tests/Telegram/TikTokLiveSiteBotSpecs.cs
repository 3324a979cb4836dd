using AotBot.Core;
using AotBot.Hosting;
using AotBot.Localization;
using AotBot.Testing.FakeTikTok;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Tests.Telegram;

/// <summary>
/// What a user gets for a link when TikTok behaves as the live site does in 2026: the proof-of-work page, a
/// User-Agent refused by the front, short links through /login, video-only renditions, 10204 from one proxy,
/// 10231, adults-only posts, pages that redirect to login, a fallback answering <c>aweme_details</c> to a POST.
/// </summary>
public sealed class TikTokLiveSiteBotSpecs : TikTokBotSpecs
{
    private const long User = 7301;
    private const string VideoId = "7350810998023947001";

    private static string Text(BotHarness bot, string key) => bot.Host.Services.GetRequiredService<Localizer>().Text("en", key);

    private async Task<byte[]> SentVideoAsync(BotHarness bot, string link)
    {
        bot.Api.Enqueue(bot.Updates.Text(User, User, link));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];
        return video.File("video")!.Bytes;
    }

    private static async Task<string?> ReplyAsync(BotHarness bot, string link)
    {
        bot.Api.Enqueue(bot.Updates.Text(User, User, link));
        return (await bot.Api.WaitForCallsAsync("sendMessage", 1))[0]["text"];
    }

    [Fact]
    public async Task I_get_the_video_of_a_post_behind_the_proof_of_work_page()
    {
        // Arrange
        TikTok.Challenge = FakeChallengeMode.UntilSolved;
        TikTok.ChallengeAnswer = 999_999;
        var post = TikTok.Add(new FakeTikTokPost(VideoId) { VideoBytes = FakeMedia.Mp4(120_000) });
        await using var bot = await StartBotAsync();

        // Act
        var bytes = await SentVideoAsync(bot, post.Link.AbsoluteUri);

        // Assert
        Assert.Equal(post.VideoBytes, bytes);
        Assert.Equal((1, 0), (TikTok.ChallengesPassed, TikTok.WrongAnswers));
        Assert.Contains("aotbot_tiktok_pages_total{outcome=\"challenge_solved\"} 1", bot.Host.Services.GetRequiredService<BotMetrics>().Render());
    }

    [Fact]
    public async Task I_get_a_rate_limit_message_when_the_challenge_stays()
    {
        TikTok.Challenge = FakeChallengeMode.Stays;
        var post = TikTok.Add(new FakeTikTokPost(VideoId));
        await using var bot = await StartBotAsync();

        Assert.Equal(Text(bot, "error_rate_limit"), await ReplyAsync(bot, post.Link.AbsoluteUri));
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
    }

    [Fact]
    public async Task I_get_the_video_when_the_front_refuses_the_first_browser_version()
    {
        TikTok.BlockUserAgents("Chrome/143.");
        var post = TikTok.Add(new FakeTikTokPost(VideoId));
        await using var bot = await StartBotAsync();

        Assert.Equal(post.VideoBytes, await SentVideoAsync(bot, post.Link.AbsoluteUri));
        Assert.Equal(2, TikTok.PageRequests);
    }

    [Fact]
    public async Task I_get_the_video_of_a_short_link_that_redirects_through_login()
    {
        var post = TikTok.Add(new FakeTikTokPost(VideoId));
        var link = TikTok.AddShortLink("https://vt.tiktok.com/ZSlogin02/", post.Link, viaLogin: true);
        await using var bot = await StartBotAsync();

        Assert.Equal(post.VideoBytes, await SentVideoAsync(bot, link.AbsoluteUri));
        Assert.Equal(0, TikTok.Count("/login"));
    }

    [Fact]
    public async Task I_get_a_video_with_sound_not_the_silent_dash_gear_listed_first()
    {
        var post = TikTok.Add(new FakeTikTokPost(VideoId) { DashGears = true });
        await using var bot = await StartBotAsync();

        var bytes = await SentVideoAsync(bot, post.Link.AbsoluteUri);

        Assert.Equal(post.VideoBytes, bytes);
        Assert.DoesNotContain(FakeMedia.SilentMarker, System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public async Task I_get_the_video_when_the_first_proxy_sees_the_post_as_10204()
    {
        // Arrange: this class's fake plays the first proxy (10204), a second fake the next one.
        await using var goodProxy = await FakeTikTokServer.StartAsync();
        var post = new FakeTikTokPost(VideoId);
        TikTok.Add(post with { StatusCode = FakeTikTokStatus.Deleted });
        goodProxy.Add(post);
        var proxyFile = Path.Combine(Path.GetTempPath(), $"aotbot-bot-proxies-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(proxyFile, [TikTok.BaseUrl.AbsoluteUri, goodProxy.BaseUrl.AbsoluteUri]);
        try
        {
            await using var bot = await StartBotAsync($"--Http:ProxyFile={proxyFile}");

            // Act
            var bytes = await SentVideoAsync(bot, post.Link.AbsoluteUri);

            // Assert
            Assert.Equal(post.VideoBytes, bytes);
            Assert.Equal((1, 1), (TikTok.PageRequests, goodProxy.PageRequests));
        }
        finally
        {
            File.Delete(proxyFile);
        }
    }

    [Theory]
    [InlineData(FakeTikTokStatus.Deleted, "error_deleted")]
    [InlineData(FakeTikTokStatus.RegionLocked, "error_region")]
    public async Task I_get_the_message_of_a_page_status(int status, string key)
    {
        var post = TikTok.Add(new FakeTikTokPost(VideoId) { StatusCode = status });
        await using var bot = await StartBotAsync();

        Assert.Equal(Text(bot, key), await ReplyAsync(bot, post.Link.AbsoluteUri));
    }

    [Fact]
    public async Task I_get_the_age_restricted_message_for_an_adults_only_post()
    {
        var post = TikTok.Add(new FakeTikTokPost(VideoId) { EditItem = item => item["isContentClassified"] = true });
        await using var bot = await StartBotAsync();

        Assert.Equal(Text(bot, "error_age_restricted"), await ReplyAsync(bot, post.Link.AbsoluteUri));
    }

    [Fact]
    public async Task I_get_a_rate_limit_message_when_the_page_keeps_redirecting_to_login()
    {
        TikTok.BlockPages(FakeTikTokBlock.LoginRedirect);
        var post = TikTok.Add(new FakeTikTokPost(VideoId));
        await using var bot = await StartBotAsync();

        Assert.Equal(Text(bot, "error_rate_limit"), await ReplyAsync(bot, post.Link.AbsoluteUri));
    }

    [Fact]
    public async Task I_get_the_video_from_a_fallback_answering_aweme_details_to_a_post()
    {
        TikTok.BlockPages(FakeTikTokBlock.Captcha);
        TikTok.FallbackShape = FakeFallbackShape.Details;
        var post = TikTok.Add(new FakeTikTokPost(VideoId));
        await using var bot = await StartBotAsync(
            "--TikTok:ApiFallbackUrl=https://tiktok-fallback-api.test/aweme/v1/multi/aweme/detail/", "--TikTok:ApiFallbackMethod=POST");

        Assert.Equal(post.VideoBytes, await SentVideoAsync(bot, post.Link.AbsoluteUri));
        Assert.Equal(["POST"], TikTok.FallbackMethods);
    }
}
