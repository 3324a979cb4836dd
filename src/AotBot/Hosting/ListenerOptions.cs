using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace AotBot.Hosting;

/// <summary>The bot's own HTTP listener: health, readiness, metrics and the webhook (key <c>Http:Listen</c>).</summary>
public sealed record ListenerOptions
{
    /// <summary>Shares the <c>Http</c> section with the outgoing HTTP layer's settings.</summary>
    public const string Section = "Http";

    /// <summary><c>http://&lt;IP address or localhost&gt;:&lt;port&gt;</c>, e.g. <c>http://0.0.0.0:8080</c>; off when empty.</summary>
    public string Listen { get; set; } = "";

    internal const string Invalid =
        "Http:Listen must be http://<IP address or localhost>:<port>, e.g. http://0.0.0.0:8080: set AOTBOT_Http__Listen";

    /// <summary>
    /// Parses <see cref="Listen"/>. <c>+</c>, <c>*</c> and <c>0.0.0.0</c> mean every IPv4 address, <c>[::]</c> every
    /// address (dual stack). No TLS: Telegram's HTTPS ends at the reverse proxy in front of the bot.
    /// </summary>
    public static IPEndPoint? ParseEndPoint(string? listen)
    {
        const string scheme = "http://";
        if (listen is null || !listen.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var authority = listen[scheme.Length..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || authority.Contains('/') || authority.EndsWith(']')) return null;
        var (host, portText) = (authority[..colon], authority[(colon + 1)..]);
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
            return null;
        IPAddress? address = host switch
        {
            "+" or "*" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            ['[', .. var inner, ']'] => IPAddress.TryParse(inner, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? v6 : null,
            _ => IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? v4 : null,
        };
        return address is null ? null : new IPEndPoint(address, port);
    }

    /// <summary>Where a local probe (<c>aotbot healthcheck</c>) reaches the listener: a wildcard address becomes loopback.</summary>
    public static Uri? ProbeUrl(string? listen, string path)
    {
        if (ParseEndPoint(listen) is not { } endPoint) return null;
        var address = endPoint.Address switch
        {
            var any when any.Equals(IPAddress.Any) => IPAddress.Loopback,
            var any when any.Equals(IPAddress.IPv6Any) => IPAddress.IPv6Loopback,
            var specific => specific,
        };
        return new UriBuilder("http", address.ToString(), endPoint.Port, path).Uri;
    }
}

internal sealed class ListenerOptionsValidator : IValidateOptions<ListenerOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenerOptions options) =>
        options.Listen.Length == 0 || ListenerOptions.ParseEndPoint(options.Listen) is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(ListenerOptions.Invalid);
}
