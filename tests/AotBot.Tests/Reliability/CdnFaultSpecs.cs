using AotBot.Core;
using AotBot.Testing.FakeTikTok;
using AotBot.Testing.FaultServer;
using AotBot.Tests.Telegram;

namespace AotBot.Tests.Reliability;

/// <summary>
/// The CDN misbehaving under a real bot: connections dropped mid-body, fewer bytes than Content-Length, a web page
/// instead of the media. A fault that goes away is retried into a whole file; one that stays ends in a clear error
/// message, never in a truncated or foreign file sent as the video or photo.
/// </summary>
public sealed class CdnFaultSpecs : FakeSitesSpecs
{
    private const long User = 9201;
    private const string CdnHost = "cdn.fault.test";
    private const int VideoLength = 200_000;

    private static FaultReply Video => FaultReply.Bytes(VideoLength);

    private static FaultReply CaptchaPage => FaultReply.Text(
        "<!DOCTYPE html><html><head><title>Security Check</title></head><body>Verify you are human</body></html>");

    private static FaultReply Jpeg(byte[] bytes) => new() { Body = bytes, Headers = [new("Content-Type", "image/jpeg")] };

    private FakeTikTokPost VideoPost(string id) =>
        TikTok.Add(new FakeTikTokPost(id) { EditItem = HostilePosts.VideoAt($"https://{CdnHost}/video.mp4") });

    private protected override IEnumerable<string> Settings => [$"--Http:HostOverrides:{CdnHost}={Site.BaseUrl}"];

    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => FaultReply.PatternAt(i))];

    private static readonly Dictionary<string, FaultReply> s_faults = new()
    {
        ["reset mid-body"] = Video with { Fault = Fault.Reset, CutAfter = VideoLength / 2 },
        ["closed short of its Content-Length"] = Video with { Fault = Fault.Close, CutAfter = VideoLength / 2 },
        ["chunked, closed without its last chunk"] = Video with { Chunked = true, Fault = Fault.Close, CutAfter = VideoLength / 2 },
        ["an HTML page"] = CaptchaPage,
        ["an HTML page labelled as a video"] = CaptchaPage with { Headers = [new("Content-Type", "video/mp4")] },
        ["a JSON error"] = FaultReply.Text("{\"error\":\"link expired\"}", contentType: "application/json"),
    };

    private static readonly string[] s_cutOffs = ["reset mid-body", "closed short of its Content-Length", "chunked, closed without its last chunk"];

    public static TheoryData<string> CutOffs => new(s_cutOffs);

    public static TheoryData<string> LastingFaults => new(s_faults.Keys);

    [Theory]
    [MemberData(nameof(CutOffs))]
    public async Task A_video_cut_off_once_is_fetched_again_and_sent_whole(string fault)
    {
        // Arrange
        Site.Map("/video.mp4", s_faults[fault], Video);
        var post = VideoPost("7350810998023972001");
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var video = (await bot.Api.WaitForCallsAsync("sendVideo", 1))[0];
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.True(Pattern(VideoLength).AsSpan().SequenceEqual(video.File("video")!.Bytes), $"{fault}: the video sent is not the whole file");
        Assert.Equal(2, Site.RequestsTo("/video.mp4").Count);
        Assert.Empty(bot.Api.CallsTo("sendMessage"));
    }

    [Theory]
    [MemberData(nameof(LastingFaults))]
    public async Task A_video_the_CDN_keeps_failing_gets_a_clear_error_and_no_video(string fault)
    {
        // Arrange
        Site.Map("/video.mp4", s_faults[fault]);
        var post = VideoPost("7350810998023972002");
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        var error = await bot.Api.WaitForCallAsync("sendMessage", c => c.ChatId == User);
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.True(Text(bot, "error_network") == error["text"], $"{fault}: the user read {error["text"]}");
        Assert.Empty(bot.Api.CallsTo("sendVideo"));
        Assert.Empty(bot.Api.CallsTo("sendDocument"));
    }

    [Fact]
    public async Task A_slideshow_image_served_as_a_web_page_is_left_out_and_the_others_are_sent()
    {
        // Arrange: image 2 of 3 comes back as the CDN's captcha page
        var first = FakeMedia.Jpeg(3000);
        var third = FakeMedia.Jpeg(3001);
        Site.Map("/1.jpeg", Jpeg(first)).Map("/2.jpeg", CaptchaPage).Map("/3.jpeg", Jpeg(third));
        var post = TikTok.Add(new FakeTikTokPost("7350810998023972003")
        {
            Images = [first, FakeMedia.Jpeg(3002), third],
            EditItem = HostilePosts.ImagesAt($"https://{CdnHost}/1.jpeg", $"https://{CdnHost}/2.jpeg", $"https://{CdnHost}/3.jpeg"),
        });
        await using var bot = await StartBotAsync();

        // Act
        var id = bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id));
        await bot.WaitForHandledAsync(id);

        // Assert
        Assert.Equal([first, third], bot.Api.UploadedPhotos().Select(p => p.Bytes));
        Assert.Empty(bot.Api.CallsTo("sendDocument"));
        Assert.DoesNotContain(bot.Api.CallsTo("sendMessage"), m => m["text"] == Text(bot, "processing"));
    }
}
