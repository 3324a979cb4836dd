using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AotBot.Core;

/// <summary>
/// The bot's metrics, served as Prometheus text on <c>/metrics</c>. One singleton; every method is thread-safe and
/// cheap enough to call on each update, job and download.
/// </summary>
/// <remarks>
/// <para>Label values must come from small fixed sets (a job kind, an outcome, a source name, a Bot API method):
/// each distinct value is a time series kept for the life of the process.</para>
/// </remarks>
public sealed class BotMetrics
{
    /// <summary>Upper bounds (seconds) of the conversion-time histogram: one 12 MP HEIC takes about 1 s.</summary>
    internal static readonly double[] ConversionBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32];

    private readonly Counter _updatesReceived = new("aotbot_updates_received_total", "Updates received from Telegram.");
    private readonly Counter _updatesHandled = new("aotbot_updates_handled_total", "Updates handled to the end.");
    private readonly Counter _updatesFailed = new("aotbot_updates_failed_total", "Updates whose handling failed.");
    private readonly Counter _jobs = new("aotbot_jobs_total", "Finished jobs by kind and outcome.", "kind", "outcome");
    private readonly Gauge _queueDepth = new("aotbot_queue_depth", "Items waiting in a queue.", "queue");
    private readonly Histogram _conversion = new("aotbot_conversion_seconds", "Time to convert one image.", ConversionBuckets);
    private readonly Counter _downloads = new("aotbot_downloads_total", "Media files downloaded.");
    private readonly Counter _downloadBytes = new("aotbot_download_bytes_total", "Bytes of media downloaded.");
    private readonly Counter _rateLimited = new("aotbot_telegram_rate_limited_total", "Bot API 429 answers, by method.", "method");
    private readonly Counter _webhookRejected = new("aotbot_webhook_rejected_total", "Webhook requests refused, by reason.", "reason");
    private readonly Counter _cache = new("aotbot_cache_lookups_total", "Delivered posts by file_id cache result (hit: sent again with no download).", "result");
    private readonly Counter _tikTokPages = new("aotbot_tiktok_pages_total", "TikTok post page fetches by outcome (ok, challenge_solved, challenge_failed, maintenance_block, login_redirect, captcha, empty, status_<code>, network).", "outcome");
    private readonly Gauge _parked = new("aotbot_updates_parked_total", "Updates parked in the store after failing every attempt (kept 48 h).");
    private readonly Gauge _instances = new("aotbot_instances_live", "Bot instances with a recent heartbeat on the store.");
    private readonly Counter _instagram = new("aotbot_instagram_requests_total", "Instagram paths tried for a post, by path (app_api, embed, graphql, rapidapi) and outcome (ok, login_redirect, not_found, private, no_media, rate_limited, network).", "path", "outcome");
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _started;

    public BotMetrics(TimeProvider time)
    {
        _time = time;
        _started = time.GetUtcNow();
    }

    /// <summary>An update arrived (polling or webhook), before it is handled.</summary>
    public void UpdateReceived() => _updatesReceived.Add(1);

    /// <summary>An update was handled to the end (its replies sent or its error reported).</summary>
    public void UpdateHandled() => _updatesHandled.Add(1);

    /// <summary>Handling an update threw.</summary>
    public void UpdateFailed() => _updatesFailed.Add(1);

    /// <summary>A job finished: <paramref name="kind"/> like <c>video</c>, <c>slideshow</c>, <c>music</c>, <c>inline</c>;
    /// <paramref name="outcome"/> like <c>ok</c>, <c>cached</c> or an error key.</summary>
    public void JobFinished(string kind, string outcome) => _jobs.Add(1, kind, outcome);

    /// <summary>Sets the number of items waiting in <paramref name="queue"/>.</summary>
    public void SetQueueDepth(string queue, long depth) => _queueDepth.Set(depth, queue);

    /// <summary>Reads the depth of <paramref name="queue"/> at each scrape instead (for queues that can count themselves).</summary>
    public void ObserveQueueDepth(string queue, Func<long> depth) => _queueDepth.Observe(depth, queue);

    /// <summary>What the update queue in the store holds, as of the last heartbeat.</summary>
    public void SetUpdateQueue(long depth, long parked, int liveInstances)
    {
        _queueDepth.Set(depth, "stored");
        _parked.Set(parked);
        _instances.Set(liveInstances);
    }

    /// <summary>One image conversion took <paramref name="elapsed"/>.</summary>
    public void ConversionFinished(TimeSpan elapsed) => _conversion.Observe(elapsed.TotalSeconds);

    /// <summary>One media file of <paramref name="bytes"/> was downloaded.</summary>
    public void Downloaded(long bytes)
    {
        _downloads.Add(1);
        _downloadBytes.Add(bytes);
    }

    /// <summary>The Bot API answered 429 to <paramref name="method"/> (e.g. <c>sendVideo</c>).</summary>
    public void TelegramRateLimited(string method) => _rateLimited.Add(1, method);

    /// <summary>A webhook request was refused: <c>missing-secret</c>, <c>wrong-secret</c>, <c>not-an-update</c>, <c>not-running</c>.</summary>
    public void WebhookRejected(string reason) => _webhookRejected.Add(1, reason);

    /// <summary>A post was delivered from the file_id cache (<paramref name="hit"/>) or downloaded and uploaded.</summary>
    public void CacheLookup(bool hit) => _cache.Add(1, hit ? "hit" : "miss");

    /// <summary>One TikTok post page fetch ended in <paramref name="outcome"/> (a small fixed set, plus <c>status_&lt;code&gt;</c>).</summary>
    public void TikTokPage(string outcome) => _tikTokPages.Add(1, outcome);

    /// <summary>One Instagram path ended for one post: <paramref name="path"/> and <paramref name="outcome"/> are small fixed sets.</summary>
    public void InstagramRequest(string path, string outcome) => _instagram.Add(1, path, outcome);

    /// <summary>Writes every metric in the Prometheus text exposition format (version 0.0.4).</summary>
    public string Render()
    {
        var text = new StringBuilder(4096);
        _updatesReceived.WriteTo(text);
        _updatesHandled.WriteTo(text);
        _updatesFailed.WriteTo(text);
        _jobs.WriteTo(text);
        _queueDepth.WriteTo(text);
        _parked.WriteTo(text);
        _instances.WriteTo(text);
        _conversion.WriteTo(text);
        _downloads.WriteTo(text);
        _downloadBytes.WriteTo(text);
        _rateLimited.WriteTo(text);
        _webhookRejected.WriteTo(text);
        _cache.WriteTo(text);
        _tikTokPages.WriteTo(text);
        _instagram.WriteTo(text);
        WriteProcess(text);
        return text.ToString();
    }

    private void WriteProcess(StringBuilder text)
    {
        Header(text, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.");
        Sample(text, "process_start_time_seconds", "", _started.ToUnixTimeMilliseconds() / 1000.0);
        Header(text, "process_resident_memory_bytes", "gauge", "Resident memory size.");
        Sample(text, "process_resident_memory_bytes", "", Environment.WorkingSet);
        Header(text, "dotnet_gc_heap_bytes", "gauge", "Managed heap size after the last garbage collection.");
        Sample(text, "dotnet_gc_heap_bytes", "", GC.GetGCMemoryInfo().HeapSizeBytes);
        Header(text, "aotbot_uptime_seconds", "gauge", "Seconds since the process started.");
        Sample(text, "aotbot_uptime_seconds", "", Math.Round((_time.GetUtcNow() - _started).TotalSeconds, 3));
    }

    internal static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    internal static void Sample(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels).Append(' ').Append(Format(value)).Append('\n');

    internal static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Renders <c>{a="x",b="y"}</c>, escaping backslash, quote and newline as the format requires.</summary>
    internal static string Labels(string[] names, LabelValues values)
    {
        if (names.Length == 0) return "";
        var text = new StringBuilder("{");
        for (var i = 0; i < names.Length; i++)
        {
            if (i > 0) text.Append(',');
            AppendLabel(text, names[i], values[i]);
        }
        return text.Append('}').ToString();
    }

    private static void AppendLabel(StringBuilder text, string name, string value)
    {
        text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
        text.Append('"');
    }
}

/// <summary>Up to two label values; the key of one series in a family.</summary>
internal readonly record struct LabelValues(string First, string Second)
{
    public string this[int index] => index == 0 ? First : Second;

    public static LabelValues Of(string[] names, string? first, string? second)
    {
        Debug.Assert(names.Length <= 2, "metric families carry at most two labels");
        return new(names.Length > 0 ? first ?? "" : "", names.Length > 1 ? second ?? "" : "");
    }
}

/// <summary>A monotonically increasing count, one series per label set.</summary>
internal sealed class Counter(string name, string help, params string[] labelNames)
{
    private readonly ConcurrentDictionary<LabelValues, StrongBoxLong> _series = new();

    public void Add(long amount, string? first = null, string? second = null)
    {
        if (amount <= 0) return;
        var cell = _series.GetOrAdd(LabelValues.Of(labelNames, first, second), static _ => new StrongBoxLong());
        Interlocked.Add(ref cell.Value, amount);
    }

    public long Value(string? first = null, string? second = null) =>
        _series.TryGetValue(LabelValues.Of(labelNames, first, second), out var cell) ? Interlocked.Read(ref cell.Value) : 0;

    public void WriteTo(StringBuilder text)
    {
        BotMetrics.Header(text, name, "counter", help);
        if (labelNames.Length == 0 && _series.IsEmpty)
        {
            BotMetrics.Sample(text, name, "", 0);
            return;
        }
        foreach (var (labels, cell) in _series.OrderBy(s => s.Key.First, StringComparer.Ordinal).ThenBy(s => s.Key.Second, StringComparer.Ordinal))
            BotMetrics.Sample(text, name, BotMetrics.Labels(labelNames, labels), Interlocked.Read(ref cell.Value));
    }
}

/// <summary>A value that goes up and down: set directly, or read from a callback at each scrape.</summary>
internal sealed class Gauge(string name, string help, params string[] labelNames)
{
    private readonly ConcurrentDictionary<LabelValues, Func<long>> _series = new();

    public void Set(long value, string? first = null, string? second = null)
    {
        var box = new StrongBoxLong { Value = value };
        _series[LabelValues.Of(labelNames, first, second)] = () => Interlocked.Read(ref box.Value);
    }

    public void Observe(Func<long> read, string? first = null, string? second = null) =>
        _series[LabelValues.Of(labelNames, first, second)] = read;

    public void WriteTo(StringBuilder text)
    {
        BotMetrics.Header(text, name, "gauge", help);
        foreach (var (labels, read) in _series.OrderBy(s => s.Key.First, StringComparer.Ordinal).ThenBy(s => s.Key.Second, StringComparer.Ordinal))
            BotMetrics.Sample(text, name, BotMetrics.Labels(labelNames, labels), read());
    }
}

/// <summary>Counts of observations at or below each bucket bound, plus their sum and count.</summary>
internal sealed class Histogram(string name, string help, double[] bounds)
{
    private readonly long[] _buckets = new long[bounds.Length];
    private readonly Lock _gate = new();
    private long _count;
    private double _sum;

    public void Observe(double value)
    {
        lock (_gate)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i]) _buckets[i]++;
            }
            _count++;
            _sum += value;
        }
    }

    public void WriteTo(StringBuilder text)
    {
        BotMetrics.Header(text, name, "histogram", help);
        lock (_gate)
        {
            for (var i = 0; i < bounds.Length; i++)
                BotMetrics.Sample(text, name + "_bucket", $"{{le=\"{BotMetrics.Format(bounds[i])}\"}}", _buckets[i]);
            BotMetrics.Sample(text, name + "_bucket", "{le=\"+Inf\"}", _count);
            BotMetrics.Sample(text, name + "_sum", "", _sum);
            BotMetrics.Sample(text, name + "_count", "", _count);
        }
    }
}

internal sealed class StrongBoxLong
{
    public long Value;
}
