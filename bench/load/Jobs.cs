using System.Collections.Concurrent;
using System.Diagnostics;

namespace AotBot.Bench.Load;

internal enum JobKind
{
    Video,
    Slideshow,
    Music,
}

/// <summary>
/// One update the driver sent and what became of it: when it was queued, when its last answer went out, and the
/// intervals the fakes spent in their deliberate delays on its behalf (so the bot's own share can be told apart).
/// </summary>
internal sealed class Job(JobKind kind, long chatId, int replyTo, string postId, string? callbackId = null)
{
    private readonly Lock _gate = new();
    private readonly List<(long From, long To)> _delays = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobKind Kind => kind;
    public long ChatId => chatId;

    /// <summary>The message the bot's answers reply to: the user's link message, or the message carrying the button.</summary>
    public int ReplyTo => replyTo;

    public string PostId => postId;
    public string? CallbackId => callbackId;

    /// <summary>Stopwatch timestamp at which getUpdates could first hand the update out.</summary>
    public long QueuedAt { get; set; }

    public long AnsweredAt { get; private set; }
    public string? Outcome { get; private set; }
    public int Answers { get; private set; }
    public int Photos { get; private set; }
    public bool AudioSent { get; private set; }
    public Task Done => _done.Task;
    public bool Succeeded => Outcome == "ok";

    public TimeSpan Latency => Stopwatch.GetElapsedTime(QueuedAt, AnsweredAt);

    /// <summary>Time inside the fakes' deliberate delays (the union of the intervals, so overlaps count once).</summary>
    public TimeSpan DelayTime
    {
        get
        {
            lock (_gate)
            {
                long total = 0, reached = QueuedAt;
                foreach (var (from, to) in _delays.OrderBy(d => d.From))
                {
                    var start = Math.Max(from, reached);
                    var end = Math.Min(to, AnsweredAt);
                    if (end > start) total += end - start;
                    reached = Math.Max(reached, to);
                }
                return Stopwatch.GetElapsedTime(0, total);
            }
        }
    }

    /// <summary>What the bot itself took: latency minus the fakes' deliberate delays.</summary>
    public TimeSpan Overhead => Latency - DelayTime;

    public void AddDelay(long from, long to)
    {
        lock (_gate) _delays.Add((from, to));
    }

    public void AddPhotos(int count)
    {
        lock (_gate) Photos += count;
    }

    public void MarkAudioSent() => AudioSent = true;

    /// <summary>The answer that ends the job: "ok" or the text the user got instead.</summary>
    public void Answer(long at, string outcome)
    {
        lock (_gate)
        {
            if (++Answers > 1) return;
            AnsweredAt = at;
            Outcome = outcome;
        }
        _done.TrySetResult();
    }
}

/// <summary>Every job, and the indexes the fakes use to attribute a request to one.</summary>
internal sealed class JobBook
{
    private readonly Lock _gate = new();
    private readonly List<Job> _all = [];
    private readonly ConcurrentDictionary<int, Job> _byReply = new();
    private readonly ConcurrentDictionary<string, Job> _byCallback = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Job> _byBotMessage = new();
    private readonly ConcurrentDictionary<string, Job> _byPost = new(StringComparer.Ordinal);

    public IReadOnlyList<Job> All
    {
        get { lock (_gate) return [.. _all]; }
    }

    /// <summary>Registers a job; from now on requests for its post belong to it (jobs of one post never overlap).</summary>
    public Job Add(Job job)
    {
        lock (_gate) _all.Add(job);
        _byReply[job.ReplyTo] = job;
        _byPost[job.PostId] = job;
        if (job.CallbackId is { } id) _byCallback[id] = job;
        return job;
    }

    public Job? ForReply(int messageId) => _byReply.GetValueOrDefault(messageId);
    public Job? ForCallback(string id) => _byCallback.GetValueOrDefault(id);
    public Job? ForBotMessage(int messageId) => _byBotMessage.GetValueOrDefault(messageId);
    public Job? ForPost(string postId) => _byPost.GetValueOrDefault(postId);

    /// <summary>A message the bot sent for <paramref name="job"/> (a later deleteMessage names it).</summary>
    public void BotMessage(int messageId, Job job) => _byBotMessage[messageId] = job;
}
