namespace AotBot.Telegram;

/// <summary>
/// Paces outgoing messages to Telegram's limits: about 1 per second per chat (short bursts allowed), 20 per minute
/// per group and 30 per second overall. Each send reserves a token in every bucket it touches and waits until all
/// reserved tokens exist, so callers are served in the order they asked.
/// </summary>
internal sealed class Pacer(TimeProvider time)
{
    internal const double ChatBurst = 3, ChatPerSecond = 1;
    internal const double GroupBurst = 20, GroupPerSecond = 20 / 60.0;
    internal const double GlobalBurst = 30, GlobalPerSecond = 30;
    private const int MaxIdleBuckets = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Bucket> _chats = [];
    private readonly Dictionary<long, Bucket> _groups = [];
    private readonly Bucket _global = new(GlobalBurst, GlobalPerSecond, time.GetTimestamp());

    /// <summary>How long a send of <paramref name="weight"/> messages to <paramref name="chatId"/> must wait; reserves its place.</summary>
    public TimeSpan Reserve(long chatId, int weight = 1)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_chats.Count > MaxIdleBuckets) Prune(now);
            var wait = _global.Reserve(weight, now, time);
            wait = Max(wait, BucketOf(_chats, chatId, ChatBurst, ChatPerSecond, now).Reserve(1, now, time));
            // Negative ids are groups, supergroups and channels.
            if (chatId < 0)
                wait = Max(wait, BucketOf(_groups, chatId, GroupBurst, GroupPerSecond, now).Reserve(weight, now, time));
            return wait;
        }
    }

    /// <summary>
    /// Telegram's 30 messages a second are per bot, not per process: with <paramref name="instances"/> live instances
    /// this one sends at its share. Chat and group pacing stay whole, a chat being worked by one instance at a time.
    /// </summary>
    public void ShareGlobal(int instances)
    {
        var share = 1.0 / Math.Max(1, instances);
        lock (_gate) _global.Rescale(GlobalBurst * share, GlobalPerSecond * share);
    }

    /// <summary>Waits for this send's turn.</summary>
    public Task WaitAsync(long chatId, int weight, CancellationToken cancellationToken)
    {
        var wait = Reserve(chatId, weight);
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, cancellationToken);
    }

    private static Bucket BucketOf(Dictionary<long, Bucket> buckets, long chatId, double burst, double perSecond, long now)
    {
        if (!buckets.TryGetValue(chatId, out var bucket))
            buckets[chatId] = bucket = new Bucket(burst, perSecond, now);
        return bucket;
    }

    private void Prune(long now)
    {
        foreach (var (id, bucket) in _chats.Where(b => b.Value.IsFull(now, time)).ToList())
            _chats.Remove(id);
        foreach (var (id, bucket) in _groups.Where(b => b.Value.IsFull(now, time)).ToList())
            _groups.Remove(id);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Bucket(double burst, double perSecond, long createdAt)
    {
        private double _burst = burst;
        private double _perSecond = perSecond;
        private double _tokens = burst;
        private long _at = createdAt;

        public void Rescale(double burst, double perSecond)
        {
            (_burst, _perSecond) = (burst, perSecond);
            _tokens = Math.Min(_tokens, burst);
        }

        public TimeSpan Reserve(double weight, long now, TimeProvider time)
        {
            Refill(now, time);
            _tokens -= weight;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _perSecond);
        }

        public bool IsFull(long now, TimeProvider time)
        {
            Refill(now, time);
            return _tokens >= _burst;
        }

        private void Refill(long now, TimeProvider time)
        {
            _tokens = Math.Min(_burst, _tokens + time.GetElapsedTime(_at, now).TotalSeconds * _perSecond);
            _at = now;
        }
    }
}
