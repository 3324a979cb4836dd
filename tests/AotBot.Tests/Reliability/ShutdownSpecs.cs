using System.Diagnostics;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Tests.Telegram;

namespace AotBot.Tests.Reliability;

/// <summary>
/// A graceful stop (what SIGTERM triggers) with a job in flight, in-process: the job finishes within
/// Hosting:ShutdownTimeout and no new update is taken; a job that cannot finish in time is cancelled and answered
/// after the restart, once. The process-level twins are in Smoke/CrashRecoverySmokeSpecs.
/// </summary>
public sealed class ShutdownSpecs : IAsyncLifetime
{
    private const long User = 9501;
    private FakeTikTokServer _tikTok = null!;
    private FakeBotApi _api = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _tikTok = await FakeTikTokServer.StartAsync();
        _api = await FakeBotApi.StartAsync();
        _folder = Directory.CreateTempSubdirectory("aotbot-shutdown-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _tikTok.DisposeAsync();
        await _api.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A bot on the shared fake Bot API and a database that outlives it, as a restarted process would see them.</summary>
    private Task<BotHarness> StartBotAsync(string shutdownTimeout) => BotHarness.StartAsync(
        [
            .. _tikTok.CommandLineArgs(withFallbackApi: false),
            $"--Storage:ConnectionString=Data Source={Path.Combine(_folder, "bot.db")}",
            $"--Hosting:ShutdownTimeout={shutdownTimeout}",
        ],
        api: _api);

    [Fact]
    public async Task On_stop_a_download_in_flight_finishes_and_is_sent_within_the_timeout_and_no_new_update_is_taken()
    {
        // Arrange: the video is mid-download when the stop comes
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023975001"));
        _tikTok.HoldMedia();
        var bot = await StartBotAsync("00:00:10");
        var inFlight = _api.Enqueue(_api.Updates.Text(User, User, post.Link.ToString()));
        await BotHarness.WaitUntilAsync(() => _tikTok.HeldMediaRequests > 0, "the video held mid-body");

        // Act: stop; a new update arrives while stopping; the CDN finishes a moment later
        var polls = _api.CallsTo("getUpdates").Count;
        var watch = Stopwatch.StartNew();
        var stopping = bot.Host.StopAsync();
        var late = _api.Enqueue(_api.Updates.Text(User + 1, User + 1, "/start"));
        await Task.Delay(300);
        _tikTok.ReleaseMedia();
        await stopping;
        var stoppedIn = watch.Elapsed;
        var pollsWhileStopping = _api.CallsTo("getUpdates").Count - polls;
        var sentBeforeRestart = _api.Sent.Select(c => (c.Method, c.ChatId)).ToList();
        await bot.DisposeAsync();

        // the restart: the late update is answered, the finished one is not sent again
        await using var restarted = await StartBotAsync("00:00:10");
        await restarted.WaitForHandledAsync(late);

        // Assert
        Assert.True(stoppedIn < TimeSpan.FromSeconds(10), $"stopped in {stoppedIn}");
        Assert.Equal(0, pollsWhileStopping);
        Assert.Contains(("sendVideo", (long?)User), sentBeforeRestart);
        Assert.DoesNotContain(sentBeforeRestart, c => c.ChatId == User + 1);
        Assert.Equal(post.VideoBytes, Assert.Single(_api.CallsTo("sendVideo")).File("video")!.Bytes);
        Assert.Single(_api.CallsTo("sendMessage"), c => c.ChatId == User + 1);
        Assert.True(_api.ConfirmedOffset > inFlight);
    }

    [Fact]
    public async Task A_job_that_outlives_the_shutdown_timeout_is_cancelled_and_answered_once_after_the_restart()
    {
        // Arrange
        var post = _tikTok.Add(new FakeTikTokPost("7350810998023975002"));
        _tikTok.HoldMedia();
        var bot = await StartBotAsync("00:00:01");
        var id = _api.Enqueue(_api.Updates.Text(User, User, post.Link.ToString()));
        await BotHarness.WaitUntilAsync(() => _tikTok.HeldMediaRequests > 0, "the video held mid-body");

        // Act: the CDN stays stuck past the 1 s timeout
        var watch = Stopwatch.StartNew();
        await bot.Host.StopAsync();
        var stoppedIn = watch.Elapsed;
        await bot.DisposeAsync();
        var logs = bot.Logs.Text;
        _tikTok.ReleaseMedia();
        await using var restarted = await StartBotAsync("00:00:10");
        await _api.WaitForCallsAsync("sendVideo", 1);
        await restarted.WaitForHandledAsync(id);

        // Assert
        Assert.True(stoppedIn < TimeSpan.FromSeconds(5), $"stopped in {stoppedIn}");
        Assert.Contains("will be delivered again after the restart", logs);
        Assert.Equal(post.VideoBytes, Assert.Single(_api.CallsTo("sendVideo")).File("video")!.Bytes);
        Assert.Empty(_api.CallsTo("sendMessage"));
    }
}
