using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AotBot.Http;
using Microsoft.Extensions.Options;

namespace AotBot.Hosting;

/// <summary>Reads <c>Http:Listen</c>: <c>http://&lt;IP address or localhost&gt;:&lt;port&gt;</c>.</summary>
public static class ListenAddress
{
    internal const string Invalid =
        "Http:Listen must be http://<IP address or localhost>:<port>, e.g. http://0.0.0.0:8080: set AOTBOT_Http__Listen";

    /// <summary>
    /// The address to bind, or null when <paramref name="listen"/> is empty or malformed. <c>+</c>, <c>*</c> and
    /// <c>0.0.0.0</c> mean every IPv4 address, <c>[::]</c> every address (dual stack). No TLS: Telegram's HTTPS ends at
    /// the reverse proxy in front of the bot.
    /// </summary>
    public static IPEndPoint? Parse(string? listen)
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
            ['[', .. var inner, ']'] => IPAddress.TryParse(inner, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null,
            _ => IPAddress.TryParse(host, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork ? v4 : null,
        };
        return address is null ? null : new IPEndPoint(address, port);
    }

    /// <summary>Where a local probe (<c>aotbot healthcheck</c>) reaches the listener: a wildcard address becomes loopback.</summary>
    public static Uri? ProbeUrl(string? listen, string path)
    {
        if (Parse(listen) is not { } endPoint) return null;
        var address = endPoint.Address switch
        {
            var any when any.Equals(IPAddress.Any) => IPAddress.Loopback,
            var any when any.Equals(IPAddress.IPv6Any) => IPAddress.IPv6Loopback,
            var specific => specific,
        };
        return new UriBuilder("http", address.ToString(), endPoint.Port, path).Uri;
    }
}

/// <summary>Checks <c>Http:Listen</c> at start (the Http layer's own validators check the rest of the section).</summary>
internal sealed class ListenAddressValidator : IValidateOptions<HttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpOptions options) =>
        options.Listen.Length == 0 || ListenAddress.Parse(options.Listen) is not null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(ListenAddress.Invalid);
}
