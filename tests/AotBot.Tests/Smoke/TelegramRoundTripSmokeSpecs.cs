using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Imaging;
using AotBot.Tests.Telegram;
using SkiaSharp;

namespace AotBot.Tests.Smoke;

/// <summary>
/// The published, trimmed binary against the fake Bot API and fake TikTok: every Telegram call the bot makes goes over
/// the wire once here (getUpdates with each update kind, sendMessage with a keyboard, sendVideo with a thumbnail,
/// sendMediaGroup of converted HEIC photos, sendAudio, answerCallbackQuery, answerInlineQuery, editMessageMedia), so a
/// trimming regression in Telegram.Bot's JSON, in libheif or in SkiaSharp fails CI.
/// </summary>
public sealed class TelegramRoundTripSmokeSpecs : IAsyncLifetime
{
    private const long User = 5501;
    private const long StorageChannel = -1002222222222;
    private FakeBotApi _api = null!;
    private FakeTikTokServer _tikTok = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _tikTok = await FakeTikTokServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("aotbot-roundtrip-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _tikTok.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private RunningBinary StartBot() => RunningBinary.Start(
        [
            $"--Telegram:ApiBaseUrl={_api.BaseUrl}",
            $"--Telegram:StorageChannelId={StorageChannel}",
            $"--Storage:ConnectionString=Data Source={Path.Combine(_dir, "bot.db")}",
            "--Imaging:Workers=2",
            .. _tikTok.CommandLineArgs(withFallbackApi: false),
        ],
        new Dictionary<string, string?> { ["BOT_TOKEN"] = _api.Token });

    [PublishedBinaryFact]
    public async Task The_published_binary_answers_commands_links_callbacks_and_inline_queries()
    {
        // Arrange
        var video = _tikTok.Add(new FakeTikTokPost("7350810998023959001") { DurationSeconds = 75, CoverBytes = TestImages.Webp(720, 1280) });
        var slideshow = _tikTok.Add(new FakeTikTokPost("7350810998023959002")
        {
            Images = [ImagingFixtures.Bytes("quadrants.heic"), ImagingFixtures.Bytes("tile-red.heic"), FakeMedia.Jpeg(77)],
        });
        await using var bot = StartBot();
        await _api.WaitForCallsAsync("getUpdates", 1, TimeSpan.FromSeconds(30));

        // Act + Assert: an update with an unknown polymorphic type is skipped, /start answered
        _api.Enqueue(_api.Updates.UnknownPolymorphicType(User, User));
        _api.Enqueue(_api.Updates.Text(User, User, "/start ref42"));
        var welcome = (await _api.WaitForCallsAsync("sendMessage", 1))[0];
        Assert.Equal(User, welcome.ChatId);

        // /lang: a keyboard of languages
        _api.Enqueue(_api.Updates.Text(User, User, "/lang"));
        var languages = (await _api.WaitForCallsAsync("sendMessage", 2))[1];
        Assert.Contains("lang/ru", languages.ButtonData);

        // a video link: the CDN's bytes, a thumbnail (over 60 s), the music button
        _api.Enqueue(_api.Updates.Text(User, User, video.Link.ToString()));
        var sentVideo = (await _api.WaitForCallsAsync("sendVideo", 1, TimeSpan.FromSeconds(60)))[0];
        Assert.Equal(video.VideoBytes, sentVideo.File("video")!.Bytes);
        Assert.Equal((180, 320), TestImages.AssertThumbnail(sentVideo.File("thumbnail")));
        Assert.Contains($"music_{video.Id}", sentVideo.ButtonData);

        // a HEIC slideshow: converted by libheif + SkiaSharp in the trimmed binary, sent as one media group
        _api.Enqueue(_api.Updates.Text(User, User, slideshow.Link.ToString()));
        var album = (await _api.WaitForCallsAsync("sendMediaGroup", 1, TimeSpan.FromSeconds(60)))[0];
        Assert.Equal(3, album.Media.Count);
        using (var first = SKBitmap.Decode(album.MediaFile(0)!.Bytes))
        {
            Assert.NotNull(first);
            Assert.Equal((96, 64), (first.Width, first.Height));
        }

        // the music button
        _api.Enqueue(_api.Updates.Callback(User, User, $"music_{video.Id}", messageId: 1000));
        var audio = (await _api.WaitForCallsAsync("sendAudio", 1, TimeSpan.FromSeconds(60)))[0];
        Assert.Equal(User, audio.ChatId);
        await _api.WaitForCallsAsync("answerCallbackQuery", 1);

        // inline: a placeholder, then the cached video swapped in by file_id
        _api.Enqueue(_api.Updates.InlineQuery(User, video.Link.ToString()));
        await _api.WaitForCallsAsync("answerInlineQuery", 1);
        _api.Enqueue(_api.Updates.ChosenInlineResult(User, video.Link.ToString(), inlineMessageId: "inline-smoke"));
        var edit = (await _api.WaitForCallsAsync("editMessageMedia", 1, TimeSpan.FromSeconds(60)))[0];
        Assert.Equal("inline-smoke", edit["inline_message_id"]);

        // a clean stop, and no token in anything it printed
        Assert.Equal(0, await bot.TerminateAsync());
        Assert.DoesNotContain(_api.Token.Split(':')[1], bot.Output);
    }
}
