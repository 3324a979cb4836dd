using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>
/// The proxies of <c>Http:Proxy</c> and <c>Http:ProxyFile</c>. A job keeps one proxy for all its requests (its
/// <see cref="DownloadContext.Proxy"/>, or the next one of the pool, remembered for that context); a retry moves on
/// to the following proxy, so one dead proxy does not sink the attempts.
/// </summary>
internal sealed class ProxyPool
{
    private readonly Uri[] _proxies;
    private readonly ConditionalWeakTable<DownloadContext, Uri> _assigned = new();
    private int _next = -1;

    public ProxyPool(IOptions<HttpOptions> options, ILogger<ProxyPool> logger)
    {
        var proxies = new List<Uri>();
        if (!string.IsNullOrWhiteSpace(options.Value.Proxy)) proxies.Add(new Uri(options.Value.Proxy.Trim()));
        if (!string.IsNullOrWhiteSpace(options.Value.ProxyFile)) proxies.AddRange(ReadProxyFile(options.Value.ProxyFile).Proxies);
        _proxies = [.. proxies];
        if (_proxies.Length > 0) logger.ProxiesConfigured(_proxies.Length);
    }

    public int Count => _proxies.Length;

    /// <summary>The proxy for <paramref name="attempt"/> (1-based) of a request of the job owning <paramref name="context"/>.</summary>
    public Uri? For(DownloadContext context, int attempt)
    {
        var jobProxy = context.Proxy ?? (_proxies.Length == 0 ? null : _assigned.GetValue(context, _ => Next()));
        if (jobProxy is null || attempt == 1 || _proxies.Length < 2) return jobProxy;
        var index = Array.IndexOf(_proxies, jobProxy);
        return index < 0 ? jobProxy : _proxies[(index + attempt - 1) % _proxies.Length];
    }

    /// <summary>The 0-based position of <paramref name="proxy"/> in the pool, for log lines that must not show its URL; -1 for none.</summary>
    public int IndexOf(Uri? proxy) => proxy is null ? -1 : Array.IndexOf(_proxies, proxy);

    private Uri Next() => _proxies[(int)((uint)Interlocked.Increment(ref _next) % (uint)_proxies.Length)];

    public static bool IsProxyUrl(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "socks5" or "socks4" or "socks4a";

    /// <summary>One URL per line; blank lines and lines starting with <c>#</c> are skipped.</summary>
    public static (List<Uri> Proxies, int? BadLine) ReadProxyFile(string path)
    {
        var proxies = new List<Uri>();
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (!IsProxyUrl(line)) return (proxies, number);
            proxies.Add(new Uri(line));
        }
        return (proxies, null);
    }
}
