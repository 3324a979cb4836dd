using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeInstagram;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Smoke;

/// <summary>The published, trimmed binary reads an Instagram album with no key and sends it as one album, videos included.</summary>
public sealed class InstagramSmokeSpecs : IAsyncLifetime
{
    private const long User = 5701;
    private FakeBotApi _api = null!;
    private FakeInstagramApi _instagram = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _instagram = await FakeInstagramApi.StartAsync();
        _dir = Directory.CreateTempSubdirectory("aotbot-instagram-smoke-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _instagram.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_sends_a_keyless_instagram_album_with_its_video_in_order()
    {
        // Arrange: the app API answers a login redirect, so the embed page serves.
        byte[] photo = FakeMedia.Jpeg(2100), video = FakeMedia.Mp4(6100), last = FakeMedia.Jpeg(2300);
        _instagram.Add("DAzkjIhvK6x", FakeInstagramMedia.Image(photo), FakeInstagramMedia.Video(video), FakeInstagramMedia.Image(last));
        _instagram.Block(FakeInstagramPath.AppApi, FakeInstagramBlock.LoginRedirect);
        await using var bot = RunningBinary.Start(
            [
                $"--Telegram:ApiBaseUrl={_api.BaseUrl}",
                $"--Storage:ConnectionString=Data Source={Path.Combine(_dir, "bot.db")}",
                .. _instagram.CommandLineArgs(withKey: false),
            ],
            new Dictionary<string, string?> { ["BOT_TOKEN"] = _api.Token });
        await _api.WaitForCallsAsync("getUpdates", 1, TimeSpan.FromSeconds(30));

        // Act
        _api.Enqueue(_api.Updates.Text(User, User, "https://www.instagram.com/p/DAzkjIhvK6x/?igsh=abc"));
        var album = (await _api.WaitForCallsAsync("sendMediaGroup", 1, TimeSpan.FromSeconds(60)))[0];

        // Assert
        Assert.Equal(["photo", "video", "photo"], album.Media.Select(item => item.GetProperty("type").GetString()));
        Assert.Equal([photo, video, last], Enumerable.Range(0, 3).Select(i => album.MediaFile(i)!.Bytes));
        Assert.Contains($"GET /p/DAzkjIhvK6x/embed/captioned/", _instagram.Requests);
        Assert.Empty(_instagram.Calls);
    }
}
