using System.Diagnostics;
using System.Text.Json;
using AotBot.Core;
using AotBot.Testing.FakeTikTok;

namespace AotBot.Bench.Load;

/// <summary>Settings shared by every scenario.</summary>
internal sealed record RigOptions(string Binary, string DataDir, TimeSpan ApiDelay, TimeSpan PageDelay, TimeSpan CdnDelay,
    IReadOnlyList<string> BotArgs, IReadOnlyDictionary<string, string> Environment);

/// <summary>The fakes, the bot running against them, and the jobs sent to it.</summary>
internal sealed class Rig : IAsyncDisposable
{
    private static readonly byte[] s_cover = FakeMedia.Jpeg(30 * 1024);
    private static readonly byte[] s_mp3 = FakeMedia.Mp3(240 * 1024);
    private long _nextPostId = 7_350_810_998_023_000_000;

    private Rig(JobBook jobs, LoadBotApi api, LoadTikTok tikTok, IReadOnlyList<BotProcess> bots)
    {
        Jobs = jobs;
        Api = api;
        TikTok = tikTok;
        Bots = bots;
    }

    public JobBook Jobs { get; }
    public LoadBotApi Api { get; }
    public LoadTikTok TikTok { get; }
    /// <summary>The first bot (the only one but in the several-instances run).</summary>
    public BotProcess Bot => Bots[0];

    public IReadOnlyList<BotProcess> Bots { get; }

    /// <summary>
    /// Starts the fakes and the bot (<paramref name="instances"/> of them, each in a data dir of its own, for a shared
    /// database the bot arguments name); <paramref name="freshDatabase"/> deletes the bot's database of an earlier run first.
    /// </summary>
    public static async Task<Rig> StartAsync(RigOptions options, bool freshDatabase = true, int instances = 1)
    {
        // The fakes number updates from the same id each time: a database that already handled those ids would drop them.
        if (freshDatabase)
        {
            foreach (var file in Directory.Exists(options.DataDir) ? Directory.GetFiles(options.DataDir, "bot.*") : [])
                File.Delete(file);
        }
        var jobs = new JobBook();
        var api = await LoadBotApi.StartAsync(jobs, options.ApiDelay, ProcessingText());
        var tikTok = await LoadTikTok.StartAsync(jobs, options.PageDelay, options.CdnDelay);
        var bots = Enumerable.Range(0, instances)
            .Select(i => BotProcess.Start(options.Binary, i == 0 ? options.DataDir : $"{options.DataDir}-{i}", api.BaseUrl,
                [.. tikTok.BotArgs, .. options.BotArgs], options.Environment))
            .ToList();
        return new Rig(jobs, api, tikTok, bots);
    }

    /// <summary>Time from starting the process to its first getUpdates.</summary>
    public async Task<TimeSpan> WaitForPollingAsync(TimeSpan timeout)
    {
        var polled = await Api.FirstPoll.WaitAsync(timeout);
        return Stopwatch.GetElapsedTime(Bot.StartedAt, polled);
    }

    public FakeTikTokPost VideoPost(byte[] video, int durationSeconds = 15) => TikTok.Add(new FakeTikTokPost(NextPostId())
    {
        VideoBytes = video,
        DurationSeconds = durationSeconds,
        CoverBytes = s_cover,
        Music = new FakeTikTokMusic { Bytes = s_mp3, CoverBytes = s_cover },
    });

    public FakeTikTokPost SlideshowPost(IReadOnlyList<byte[]> images, int width, int height) => TikTok.Add(new FakeTikTokPost(NextPostId())
    {
        Images = images,
        ImageWidth = width,
        ImageHeight = height,
        CoverBytes = s_cover,
        Music = new FakeTikTokMusic { Bytes = s_mp3, CoverBytes = s_cover },
    });

    /// <summary>A job for a user (private chat) sending the post's link; queued now unless <paramref name="queue"/> is false.</summary>
    public (Job Job, string Update) Link(long user, FakeTikTokPost post, bool queue = true)
    {
        var messageId = Api.Updates.NextMessageId();
        var job = Jobs.Add(new Job(post.IsPhotoPost ? JobKind.Slideshow : JobKind.Video, user, messageId, post.Id));
        var update = Api.Updates.Text(user, user, post.Link.ToString(), messageId: messageId);
        if (queue) Api.Enqueue((job, update));
        return (job, update);
    }

    /// <summary>The user pressing the music button under the post the bot sent; queued now.</summary>
    public Job Music(long user, FakeTikTokPost post)
    {
        var buttonMessage = Api.Updates.NextMessageId();
        var update = Api.Updates.Callback(user, user, "music_" + post.Id, buttonMessage);
        var queryId = JsonDocument.Parse(update).RootElement.GetProperty("callback_query").GetProperty("id").GetString();
        var job = Jobs.Add(new Job(JobKind.Music, user, buttonMessage, post.Id, queryId));
        Api.Enqueue((job, update));
        return job;
    }

    /// <summary>Resets the process's peak RSS (VmHWM) to its current RSS, so a phase reports its own peak.</summary>
    public void ResetPeak() => File.WriteAllText($"/proc/{Bot.Id}/clear_refs", "5");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(Bots.Select(b => b.StopAsync(TimeSpan.FromSeconds(30))));
        }
        finally
        {
            foreach (var bot in Bots) await bot.DisposeAsync();
            await Api.DisposeAsync();
            await TikTok.DisposeAsync();
        }
    }

    private string NextPostId() => Interlocked.Increment(ref _nextPostId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string ProcessingText()
    {
        using var locale = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "en.json")));
        return locale.RootElement.GetProperty("processing").GetString()!;
    }
}
