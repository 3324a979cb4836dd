using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>The shared HTTP layer (section <c>Http</c>).</summary>
public sealed record HttpOptions
{
    public const string Section = "Http";

    /// <summary>Host name → base URL that replaces scheme, host and port of every request to that host.</summary>
    /// <remarks><para>Path and query are kept (appended to the base URL's path); the logical URL is what callers see.</para></remarks>
    public Dictionary<string, string> HostOverrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Let URLs from third-party data reach loopback/private/link-local addresses (tests only); the operator route always may.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>A proxy URL for all outgoing media/page requests.</summary>
    public string? Proxy { get; set; }

    /// <summary>A file with one proxy URL per line, handed out round-robin between jobs and on retry.</summary>
    public string? ProxyFile { get; set; }

    /// <summary>How many times a request is tried before it fails.</summary>
    [Range(1, 10, ErrorMessage = "Http:MaxAttempts must be between 1 and 10: set AOTBOT_Http__MaxAttempts")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>User-Agent sent with every request.</summary>
    public string UserAgent { get; set; } =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    /// <summary>Time an attempt may take until the response headers (and, for pages, the whole body).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An attempt fails when no body byte arrives for this long, however long the whole body takes.</summary>
    public TimeSpan ReadIdleTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The longest <c>Retry-After</c> honoured; longer values wait this long.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bodies up to this many bytes stay in pooled memory; larger ones spill to a temp file.</summary>
    [Range(0, 1_073_741_824, ErrorMessage = "Http:MemoryBufferLimit must be between 0 and 1073741824: set AOTBOT_Http__MemoryBufferLimit")]
    public int MemoryBufferLimit { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes of downloaded and converted media all jobs together keep in memory; past it, they go to temp files.</summary>
    [Range(0, 1_073_741_824L * 16, ErrorMessage = "Http:MemoryBufferTotal must be between 0 and 17179869184: set AOTBOT_Http__MemoryBufferTotal")]
    public long MemoryBufferTotal { get; set; } = 16 * 1024 * 1024;

    /// <summary>Downloads in flight across all jobs.</summary>
    [Range(1, 1024, ErrorMessage = "Http:MaxConcurrentDownloads must be between 1 and 1024: set AOTBOT_Http__MaxConcurrentDownloads")]
    public int MaxConcurrentDownloads { get; set; } = 16;

    /// <summary>Downloads in flight for one job (a slideshow's images).</summary>
    [Range(1, 64, ErrorMessage = "Http:DownloadsPerJob must be between 1 and 64: set AOTBOT_Http__DownloadsPerJob")]
    public int DownloadsPerJob { get; set; } = 4;

    /// <summary>The bot's own listener (health, readiness, metrics, webhook), e.g. <c>http://0.0.0.0:8080</c>; off when empty.</summary>
    /// <remarks>Parsed, validated and served by the listener in Hosting (the top layer, which reads this setting; Http knows no listener).</remarks>
    public string Listen { get; set; } = "";
}

[OptionsValidator]
internal sealed partial class HttpOptionsValidator : IValidateOptions<HttpOptions>;

// Hand-written: RangeAttribute over TimeSpan needs a TypeConverter (not trim-safe), and URLs/files need real checks.
internal sealed class HttpOptionsChecks : IValidateOptions<HttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpOptions options)
    {
        var failures = new List<string>();
        CheckSpan(failures, "AttemptTimeout", options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        CheckSpan(failures, "ReadIdleTimeout", options.ReadIdleTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        CheckSpan(failures, "MaxRetryAfter", options.MaxRetryAfter, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        foreach (var (host, target) in options.HostOverrides)
        {
            if (!IsHttpUrl(target))
                failures.Add($"Http:HostOverrides:{host} must be an absolute http(s) URL: set AOTBOT_Http__HostOverrides__{host}");
        }
        if (!string.IsNullOrWhiteSpace(options.Proxy) && !ProxyPool.IsProxyUrl(options.Proxy))
            failures.Add("Http:Proxy must be an absolute http, https or socks5 URL: set AOTBOT_Http__Proxy");
        if (!string.IsNullOrWhiteSpace(options.ProxyFile))
        {
            if (!File.Exists(options.ProxyFile))
                failures.Add($"Http:ProxyFile names no readable file: set AOTBOT_Http__ProxyFile");
            else if (ProxyPool.ReadProxyFile(options.ProxyFile).BadLine is { } bad)
                failures.Add($"Http:ProxyFile line {bad} is not an http, https or socks5 URL: set AOTBOT_Http__ProxyFile");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckSpan(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
            failures.Add($"Http:{key} must be between {min:c} and {max:c}: set AOTBOT_Http__{key}");
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
