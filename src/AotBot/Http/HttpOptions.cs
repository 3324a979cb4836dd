using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>The shared HTTP layer (section <c>Http</c>).</summary>
public sealed record HttpOptions
{
    public const string Section = "Http";

    /// <summary>Host name → base URL that replaces scheme, host and port of every request to that host.</summary>
    public Dictionary<string, string> HostOverrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Allow connections to loopback/private/link-local addresses (tests only).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>A proxy URL for all outgoing media/page requests.</summary>
    public string? Proxy { get; set; }

    /// <summary>How many times a request is tried before it fails.</summary>
    [Range(1, 10, ErrorMessage = "Http:MaxAttempts must be between 1 and 10: set AOTBOT_Http__MaxAttempts")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>User-Agent sent with every request.</summary>
    public string UserAgent { get; set; } =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
}

[OptionsValidator]
internal sealed partial class HttpOptionsValidator : IValidateOptions<HttpOptions>;
