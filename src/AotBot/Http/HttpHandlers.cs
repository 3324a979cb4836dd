using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AotBot.Http;

/// <summary>
/// Owns the process's one <see cref="SocketsHttpHandler"/> (connection pool) and one more per proxy URL, all
/// connecting through the <see cref="AddressGuard"/>. Disposed by the host on shutdown.
/// </summary>
internal sealed class HttpHandlers : IAsyncDisposable
{
    private readonly AddressGuard _guard;
    private readonly ConcurrentDictionary<Uri, Lazy<HttpMessageInvoker>> _proxied = new();

    public HttpHandlers(AddressGuard guard)
    {
        _guard = guard;
        Shared = CreateHandler(proxy: null);
        Direct = new HttpMessageInvoker(Shared, disposeHandler: false);
    }

    /// <summary>The shared handler (no proxy): redirects, cookies and timeouts are ours, not the handler's.</summary>
    public SocketsHttpHandler Shared { get; }

    public HttpMessageInvoker Direct { get; }

    public HttpMessageInvoker For(Uri? proxy) =>
        proxy is null ? Direct : _proxied.GetOrAdd(proxy, p => new Lazy<HttpMessageInvoker>(() => new HttpMessageInvoker(CreateHandler(p)))).Value;

    private SocketsHttpHandler CreateHandler(Uri? proxy)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 20,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
            AllowAutoRedirect = false,
            UseProxy = proxy is not null,
            // The proxy is the operator's endpoint: connect to it unguarded; the target's literal address is
            // checked before the request (the proxy resolves names, so only literals can be checked).
            ConnectCallback = proxy is null ? ConnectGuardedAsync : ConnectAsync,
        };
        if (proxy is not null) handler.Proxy = CreateProxy(proxy);
        return handler;
    }

    private static WebProxy CreateProxy(Uri proxy)
    {
        var web = new WebProxy(new UriBuilder(proxy) { UserName = "", Password = "" }.Uri);
        if (proxy.UserInfo.Length > 0)
        {
            var colon = proxy.UserInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon < 0 ? proxy.UserInfo : proxy.UserInfo[..colon]);
            var password = colon < 0 ? "" : Uri.UnescapeDataString(proxy.UserInfo[(colon + 1)..]);
            web.Credentials = new NetworkCredential(user, password);
        }
        return web;
    }

    private async ValueTask<Stream> ConnectGuardedAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await _guard.ResolveAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
        return await ConnectToAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        return await ConnectToAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<Stream> ConnectToAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        // Dual-mode socket: reaches IPv4 and IPv6 addresses alike.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Direct.Dispose();
        Shared.Dispose();
        foreach (var invoker in _proxied.Values)
            if (invoker.IsValueCreated) invoker.Value.Dispose();
        return ValueTask.CompletedTask;
    }
}
