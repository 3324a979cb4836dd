using System.Diagnostics;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Imaging;
using AotBot.Tests.Telegram;
using Microsoft.Data.Sqlite;

namespace AotBot.Tests.Smoke;

/// <summary>
/// The published binary killed or stopped with work in flight, then started again on the same database and the same
/// (fake) Telegram: the user's request is answered once, whatever happened to the process.
/// </summary>
public sealed class CrashRecoverySmokeSpecs : IAsyncLifetime
{
    private const long User = 5701;
    private FakeBotApi _api = null!;
    private FakeTikTokServer _tikTok = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeBotApi.StartAsync();
        _tikTok = await FakeTikTokServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("aotbot-crash-").FullName;
    }

    public async Task DisposeAsync()
    {
        _tikTok.ReleaseMedia();
        await _api.DisposeAsync();
        await _tikTok.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<RunningBinary> StartBotAsync()
    {
        var polls = _api.CallsTo("getUpdates").Count;
        var bot = RunningBinary.Start(
            [
                $"--Telegram:ApiBaseUrl={_api.BaseUrl}",
                $"--Storage:ConnectionString=Data Source={Path.Combine(_dir, "bot.db")}",
                "--Hosting:ShutdownTimeout=00:00:10",
                .. _tikTok.CommandLineArgs(withFallbackApi: false),
            ],
            new Dictionary<string, string?> { ["BOT_TOKEN"] = _api.Token });
        await _api.WaitForCallsAsync("getUpdates", polls + 1, TimeSpan.FromSeconds(30));
        return bot;
    }

    [PublishedBinaryFact]
    public async Task Killed_with_SIGKILL_in_the_middle_of_a_slideshow_the_bot_answers_it_once_after_the_restart()
    {
        // Arrange: a HEIC slideshow whose images are half downloaded when the process dies
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023977001")
        {
            Images = [ImagingFixtures.Bytes("quadrants.heic"), ImagingFixtures.Bytes("tile-red.heic"), FakeMedia.Jpeg(301)],
        });
        _tikTok.HoldMedia();
        var first = await StartBotAsync();
        var id = _api.Enqueue(_api.Updates.Text(User, User, post.Link.ToString()));
        await BotHarness.WaitUntilAsync(() => _tikTok.HeldMediaRequests >= 3, "three images held mid-body");

        // Act
        await first.KillAsync();
        var sentBeforeTheKill = _api.Sent.Where(c => c.Method != "sendChatAction").ToList();
        _tikTok.ReleaseMedia();
        await using var second = await StartBotAsync();
        var caption = await _api.WaitForCallAsync("sendMessage", c => c["text"]!.Contains(post.Id), TimeSpan.FromSeconds(60));
        await _api.WaitForConfirmationAsync(id, TimeSpan.FromSeconds(30));
        await Task.Delay(500); // room for a duplicate to show

        // Assert
        Assert.Empty(sentBeforeTheKill);
        var album = Assert.Single(_api.CallsTo("sendMediaGroup"));
        Assert.Equal(3, album.Media.Count);
        Assert.Single(_api.CallsTo("sendMessage"), c => c["text"]!.Contains(post.Id));
        Assert.Equal(User, caption.ChatId);
        Assert.Equal(0, await second.TerminateAsync());
        await first.DisposeAsync();
    }

    [PublishedBinaryFact]
    public async Task Stopped_with_SIGTERM_the_bot_finishes_the_job_in_flight_takes_no_new_update_and_answers_that_one_after_the_restart()
    {
        // Arrange: a video half downloaded when SIGTERM comes
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023977002"));
        _tikTok.HoldMedia();
        var first = await StartBotAsync();
        var inFlight = _api.Enqueue(_api.Updates.Text(User, User, post.Link.ToString()));
        await BotHarness.WaitUntilAsync(() => _tikTok.HeldMediaRequests > 0, "the video held mid-body");

        // Act: SIGTERM; a new update arrives while the bot stops; the CDN finishes a moment later
        var watch = Stopwatch.StartNew();
        var exit = first.TerminateAsync(TimeSpan.FromSeconds(20));
        await first.WaitForLineAsync(l => l.Contains("Stopping: waiting for 1 updates in progress"));
        var polls = _api.CallsTo("getUpdates").Count;
        var late = _api.Enqueue(_api.Updates.Text(User + 1, User + 1, "/start"));
        await Task.Delay(500);
        _tikTok.ReleaseMedia();
        var code = await exit;
        var stoppedIn = watch.Elapsed;
        var pollsWhileStopping = _api.CallsTo("getUpdates").Count - polls;
        var sentBeforeRestart = _api.Sent.Select(c => (c.Method, c.ChatId)).ToList();
        await first.DisposeAsync();
        await using var second = await StartBotAsync();
        await _api.WaitForCallAsync("sendMessage", c => c.ChatId == User + 1, TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(0, code);
        Assert.True(stoppedIn < TimeSpan.FromSeconds(10), $"stopped in {stoppedIn}");
        Assert.Equal(0, pollsWhileStopping);
        Assert.Contains(("sendVideo", (long?)User), sentBeforeRestart);
        Assert.DoesNotContain(sentBeforeRestart, c => c.ChatId == User + 1);
        Assert.Single(_api.CallsTo("sendVideo"));
        Assert.Single(_api.CallsTo("sendMessage"), c => c.ChatId == User + 1);
        Assert.True(_api.ConfirmedOffset > inFlight);
        Assert.Equal(0, await second.TerminateAsync());
    }
}
