namespace AotBot.Testing.FakeBotApi;

/// <summary>
/// Telegram's flood limits, as the fake enforces them when <see cref="FakeBotApi.EnforceRateLimits"/> is on: about
/// one message a second per chat (a short burst allowed), 20 a minute per group, 30 a second per bot. A message over
/// a limit gets Telegram's 429 with <c>retry_after</c>. Every message that got through is counted per chat and
/// second, and every 429 returned is counted.
/// </summary>
public sealed class BotApiRates
{
    public const double ChatBurst = 4, ChatPerSecond = 1;
    public const double GroupBurst = 20, GroupPerSecond = 20 / 60.0;
    public const double GlobalBurst = 30, GlobalPerSecond = 30;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, Bucket> _chats = [];
    private readonly Dictionary<long, Bucket> _groups = [];
    private readonly Bucket _global = new(GlobalBurst, GlobalPerSecond);
    private readonly Dictionary<long, List<DateTimeOffset>> _sent = [];
    private int _tooManyRequests;

    /// <summary>The 429s returned so far.</summary>
    public int TooManyRequests
    {
        get { lock (_gate) return _tooManyRequests; }
    }

    /// <summary>Whether the method sends a message (and so counts against the limits).</summary>
    public static bool IsMessage(string method) => method.StartsWith("send", StringComparison.Ordinal) && method != "sendChatAction";

    /// <summary>
    /// Takes a message of <paramref name="weight"/> (an album's items) to <paramref name="chatId"/> now; returns the
    /// seconds to retry after when a limit is passed (nothing taken), else null.
    /// </summary>
    public int? Take(long chatId, int weight)
    {
        lock (_gate)
        {
            // Read under the lock, so the per-chat times are in order.
            var now = DateTimeOffset.UtcNow;
            var chat = BucketOf(_chats, chatId, ChatBurst, ChatPerSecond);
            var group = chatId < 0 ? BucketOf(_groups, chatId, GroupBurst, GroupPerSecond) : null;
            var wait = Math.Max(_global.Wait(weight, now), Math.Max(chat.Wait(1, now), group?.Wait(weight, now) ?? 0));
            if (wait > 0)
            {
                _tooManyRequests++;
                return Math.Max(1, (int)Math.Ceiling(wait));
            }
            _global.Take(weight);
            chat.Take(1);
            group?.Take(weight);
            if (!_sent.TryGetValue(chatId, out var times)) _sent[chatId] = times = [];
            times.Add(now);
            return null;
        }
    }

    /// <summary>The most messages each chat got within any one second.</summary>
    public IReadOnlyDictionary<long, int> MostPerSecondByChat()
    {
        lock (_gate)
        {
            return _sent.ToDictionary(c => c.Key, c =>
            {
                var times = c.Value;
                int most = 0, from = 0;
                for (var to = 0; to < times.Count; to++)
                {
                    while (times[to] - times[from] >= TimeSpan.FromSeconds(1)) from++;
                    most = Math.Max(most, to - from + 1);
                }
                return most;
            });
        }
    }

    private static Bucket BucketOf(Dictionary<long, Bucket> buckets, long chatId, double burst, double perSecond)
    {
        if (!buckets.TryGetValue(chatId, out var bucket)) buckets[chatId] = bucket = new Bucket(burst, perSecond);
        return bucket;
    }

    private sealed class Bucket(double burst, double perSecond)
    {
        private readonly double _burst = burst;
        private double _tokens = burst;
        private DateTimeOffset? _at;

        /// <summary>Seconds until <paramref name="weight"/> tokens exist (0: now), after refilling to <paramref name="now"/>.</summary>
        public double Wait(double weight, DateTimeOffset now)
        {
            if (_at is { } at) _tokens = Math.Min(_burst, _tokens + Math.Max(0, (now - at).TotalSeconds) * perSecond);
            _at = now;
            return _tokens >= weight ? 0 : (weight - _tokens) / perSecond;
        }

        public void Take(double weight) => _tokens -= weight;
    }
}
