using System.Text.Json;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Tests.Smoke;

/// <summary>
/// The published, trimmed binary against TikTok as it is in 2026: the proof-of-work page solved by the bot, and
/// <c>aotbot extract</c> printing its source-generated JSON (exit 0, and exit 1 with the key when blocked).
/// </summary>
public sealed class TikTokSmokeSpecs : IAsyncLifetime
{
    private const long User = 5601;
    private FakeBotApi _api = null!;
    private FakeTikTokServer _tikTok = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _tikTok = await FakeTikTokServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("aotbot-tiktok-smoke-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _tikTok.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_solves_the_proof_of_work_page_and_sends_the_video()
    {
        // Arrange
        _tikTok.Challenge = FakeChallengeMode.UntilSolved;
        _tikTok.ChallengeAnswer = 1_000_000;
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023956001") { VideoBytes = FakeMedia.Mp4(90_000) });
        await using var bot = RunningBinary.Start(
            [
                $"--Telegram:ApiBaseUrl={_api.BaseUrl}",
                $"--Storage:ConnectionString=Data Source={Path.Combine(_dir, "bot.db")}",
                .. _tikTok.CommandLineArgs(withFallbackApi: false),
            ],
            new Dictionary<string, string?> { ["BOT_TOKEN"] = _api.Token });
        await _api.WaitForCallsAsync("getUpdates", 1, TimeSpan.FromSeconds(30));

        // Act
        _api.Enqueue(_api.Updates.Text(User, User, post.Link.ToString()));
        var sent = (await _api.WaitForCallsAsync("sendVideo", 1, TimeSpan.FromSeconds(60)))[0];

        // Assert
        Assert.Equal(post.VideoBytes, sent.File("video")!.Bytes);
        Assert.Equal((1, 0), (_tikTok.ChallengesPassed, _tikTok.WrongAnswers));
        Assert.Equal(0, await bot.TerminateAsync());
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_extracts_a_link_as_json()
    {
        // Arrange
        _tikTok.Challenge = FakeChallengeMode.UntilSolved;
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023956002") { DashGears = true });

        // Act
        var result = await PublishedBinary.RunAsync(["extract", post.Link.ToString(), .. _tikTok.CommandLineArgs(withFallbackApi: false)]);

        // Assert
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("video", json.GetProperty("post").GetProperty("kind").GetString());
        Assert.Equal(FakeTikTokRendering.VideoUrl(post, "h264"), json.GetProperty("post").GetProperty("video").GetProperty("url").GetString());
        Assert.True(json.GetProperty("post").GetProperty("video").GetProperty("sound").GetBoolean());
        Assert.Equal("page:challenge_solved", json.GetProperty("path")[0].GetString());
    }

    [PublishedBinaryFact]
    public async Task The_published_binary_extract_exits_1_with_the_error_key_when_tiktok_blocks_every_browser()
    {
        _tikTok.BlockUserAgents("Mozilla");
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023956003"));

        var result = await PublishedBinary.RunAsync(["extract", post.Link.ToString(), .. _tikTok.CommandLineArgs(withFallbackApi: false)]);

        Assert.Equal(1, result.ExitCode);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("error_rate_limit", json.GetProperty("error_key").GetString());
        Assert.Equal(3, json.GetProperty("attempts").GetArrayLength());
    }
}
