using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>
/// Refuses connections to loopback, private, link-local, CGNAT, multicast and unspecified addresses, checked after
/// DNS resolution so a public-looking name that resolves to 127.0.0.1 is caught. Guards the third-party route only
/// (URLs that arrive in pages and API answers): trust follows the route a request took, never its address, so a
/// media URL naming the exact host and port of a local Bot API server or an override target is refused like any
/// other private address. Off with <c>Http:AllowPrivateNetworks</c> (tests).
/// </summary>
internal sealed class AddressGuard(IOptions<HttpOptions> options)
{
    private readonly bool _allowPrivate = options.Value.AllowPrivateNetworks;

    /// <summary>Throws <see cref="AddressRefusedException"/> when the URL's host is an IP literal or name we refuse without DNS.</summary>
    public void CheckLiteral(Uri url)
    {
        if (_allowPrivate) return;
        if (url.IsLoopback || (IPAddress.TryParse(url.IdnHost, out var address) && !IsPublic(address)))
            throw new AddressRefusedException(url.IdnHost);
    }

    /// <summary>Resolves <paramref name="host"/> and returns the addresses we may connect to, or throws <see cref="AddressRefusedException"/>.</summary>
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (_allowPrivate) return addresses;
        // A name with both public and private answers connects to the public ones only.
        var allowed = Array.FindAll(addresses, IsPublic);
        return allowed.Length > 0 ? allowed : throw new AddressRefusedException(host);
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublic(address.MapToIPv4());
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        return !(b[0] == 0                                   // 0.0.0.0/8 "this network", unspecified
            || b[0] == 10                                    // 10/8 private
            || b[0] == 127                                   // loopback
            || (b[0] == 100 && (b[1] & 0xC0) == 64)          // 100.64/10 CGNAT
            || (b[0] == 169 && b[1] == 254)                  // link-local
            || (b[0] == 172 && (b[1] & 0xF0) == 16)          // 172.16/12 private
            || (b[0] == 192 && b[1] == 168)                  // 192.168/16 private
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // 192.0.0/24 IETF protocol assignments
            || (b[0] == 198 && (b[1] & 0xFE) == 18)          // 198.18/15 benchmarking
            || b[0] >= 224);                                 // multicast 224/4, reserved 240/4, broadcast
    }

    private static bool IsPublicV6(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None)) return false; // ::1, ::
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return false;
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        // IPv4-compatible ::a.b.c.d and NAT64 64:ff9b::/96 carry an IPv4 address in their last 4 bytes.
        if (b[..12].IndexOfAnyExcept((byte)0) < 0) return false;
        if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
            return IsPublicV4(new IPAddress(b[12..]));
        // 6to4 2002::/16 carries one in bytes 2-5.
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(new IPAddress(b[2..6]));
        return true;
    }
}

/// <summary>The address guard refused a connection; never retried.</summary>
internal sealed class AddressRefusedException(string host)
    : IOException($"Refused to connect to {host}: it resolves to a loopback, private or reserved address.")
{
    public string Host { get; } = host;
}
