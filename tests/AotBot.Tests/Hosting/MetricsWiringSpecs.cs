using AotBot.Core;
using AotBot.Hosting;
using AotBot.Http;
using AotBot.Imaging;
using AotBot.Sources;
using AotBot.Testing.FakeBotApi;
using AotBot.Testing.FakeTikTok;
using AotBot.Testing.FaultServer;
using AotBot.Tests.Http;
using AotBot.Tests.Imaging;
using AotBot.Tests.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Hosting;

/// <summary>The capabilities report to <see cref="BotMetrics"/> where the events happen.</summary>
public sealed class MetricsWiringSpecs : TikTokBotSpecs
{
    private const long User = 7801;

    private static string Metrics(BotHarness bot) => bot.Host.Services.GetRequiredService<BotMetrics>().Render();

    /// <summary>Waits (real time, briefly) until the rendered metrics hold <paramref name="line"/>: handling ends after the reply.</summary>
    private static async Task<string> WaitForLineAsync(BotHarness bot, string line)
    {
        for (var i = 0; i < 500; i++)
        {
            var text = Metrics(bot);
            if (text.Contains(line)) return text;
            await Task.Delay(10);
        }
        return Metrics(bot);
    }

    [Fact]
    public async Task I_can_see_downloaded_files_and_bytes_in_the_metrics()
    {
        // Arrange
        await using var server = FaultServer.Start();
        server.Map("/a.jpeg", FaultReply.Bytes(70_000, contentType: "image/jpeg"));
        server.Map("/b.mp4", FaultReply.Bytes(30_000, chunked: true));
        var (time, logs) = HttpTestData.Clock();
        await using var http = HttpTestData.Layer(time, logs);

        // Act
        await using (await http.Downloader.DownloadAsync(new MediaFile([server.Url("/a.jpeg")]), DownloadContext.Plain(), CancellationToken.None))
        await using (await http.Downloader.DownloadAsync(new MediaFile([server.Url("/b.mp4")]), DownloadContext.Plain(), CancellationToken.None))
        {
        }
        var text = http.Get<BotMetrics>().Render();

        // Assert
        Assert.Contains("\naotbot_downloads_total 2\n", text);
        Assert.Contains("\naotbot_download_bytes_total 100000\n", text);
    }

    [Fact]
    public async Task I_can_see_updates_jobs_and_file_id_cache_hits_after_the_same_link_twice()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949801") { VideoBytes = FakeMedia.Mp4(50_000) });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallsAsync("sendVideo", 1);
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallsAsync("sendVideo", 2);
        var text = await WaitForLineAsync(bot, "\naotbot_updates_handled_total 2\n");

        // Assert
        Assert.Contains("\naotbot_updates_received_total 2\n", text);
        Assert.Contains("\naotbot_updates_handled_total 2\n", text);
        Assert.Contains("\naotbot_updates_failed_total 0\n", text);
        Assert.Contains("\naotbot_jobs_total{kind=\"video\",outcome=\"ok\"} 2\n", text);
        Assert.Contains("\naotbot_cache_lookups_total{result=\"hit\"} 1\naotbot_cache_lookups_total{result=\"miss\"} 1\n", text);
        Assert.Contains("\naotbot_downloads_total 1\n", text);
        Assert.Contains("\naotbot_queue_depth{queue=\"jobs\"} 0\n", text);
        Assert.Contains("\naotbot_queue_depth{queue=\"updates\"} 0\n", text);
    }

    [Fact]
    public async Task I_can_see_a_failed_job_by_its_error_key_and_an_unreadable_update_as_failed()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949802") { StatusCode = FakeTikTokStatus.Deleted });
        await using var bot = await StartBotAsync();

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        bot.Api.Enqueue(bot.Updates.UnknownPolymorphicType(User, User));
        await bot.Api.WaitForCallsAsync("sendMessage", 1);
        var text = await WaitForLineAsync(bot, "\naotbot_updates_failed_total 1\n");

        // Assert
        Assert.Contains("\naotbot_jobs_total{kind=\"unknown\",outcome=\"error_deleted\"} 1\n", text);
        Assert.Contains("\naotbot_updates_failed_total 1\n", text);
    }

    [Fact]
    public async Task I_can_see_Telegrams_429_answers_by_method()
    {
        // Arrange
        var post = TikTok.Add(new FakeTikTokPost("7350810998023949803") { VideoBytes = FakeMedia.Mp4(20_000) });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bot = await BotHarness.StartAsync(TikTok.CommandLineArgs(withFallbackApi: false),
            services => services.AddSingleton<TimeProvider>(time));
        bot.Api.FailNext("sendVideo", BotApiFault.TooManyRequests(retryAfter: 2), times: 2);

        // Act
        bot.Api.Enqueue(bot.Updates.Text(User, User, post.Link.ToString()));
        await bot.Api.WaitForCallsAsync("sendVideo", 1);
        await BotHarness.AdvanceUntilAsync(time, () => bot.Api.CallsTo("sendVideo").Count >= 3, TimeSpan.FromSeconds(1));

        // Assert
        Assert.Contains("\naotbot_telegram_rate_limited_total{method=\"sendVideo\"} 2\n", Metrics(bot));
    }

    [Fact]
    public async Task I_can_see_conversion_times_in_the_histogram()
    {
        // Arrange
        var metrics = new BotMetrics(TimeProvider.System);
        await using var converter = ImagingFixtures.Converter(metrics: metrics);

        // Act
        await converter.ConvertAsync(ImagingFixtures.Bytes("quadrants.heic"), CancellationToken.None);
        await converter.ConvertAsync(ImagingFixtures.Bytes("flat.heic"), CancellationToken.None);
        var text = metrics.Render();

        // Assert
        Assert.Contains("\naotbot_conversion_seconds_count 2\n", text);
        Assert.Contains("\naotbot_conversion_seconds_bucket{le=\"+Inf\"} 2\n", text);
        Assert.Contains("\naotbot_queue_depth{queue=\"conversion\"} 0\n", text);
    }

    [Fact]
    public async Task I_get_conversion_not_ready_while_its_queue_is_full()
    {
        // Arrange: one worker held by a job, one more job filling the queue of one.
        var metrics = new BotMetrics(TimeProvider.System);
        await using var converter = ImagingFixtures.Converter(workers: 1, queueLimit: 1, metrics: metrics);
        var check = new ConversionReadinessCheck(converter);
        var idle = await check.CheckAsync(CancellationToken.None);
        using var gate = new ManualResetEventSlim();
        var running = converter.Pool.RunAsync(() => gate.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None);
        for (var i = 0; i < 500 && converter.Pool.Queued > 0; i++) await Task.Delay(10);
        var queued = converter.Pool.RunAsync(() => true, CancellationToken.None);

        // Act
        var full = await check.CheckAsync(CancellationToken.None);
        var gauge = metrics.Render();
        gate.Set();
        await running;
        await queued;
        var drained = await check.CheckAsync(CancellationToken.None);

        // Assert
        Assert.Equal(ReadinessResult.Ready("0 of 1 queued"), idle);
        Assert.Equal(ReadinessResult.NotReady("queue full (1 of 1 images waiting)"), full);
        Assert.Contains("\naotbot_queue_depth{queue=\"conversion\"} 1\n", gauge);
        Assert.True(drained.IsReady);
    }
}
