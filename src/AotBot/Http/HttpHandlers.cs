using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AotBot.Http;

/// <summary>
/// Owns the process's connection pools, disposed by the host on shutdown. Two pools, so trust follows the route:
/// <see cref="Operator"/> for requests our code addressed through settings (Telegram API calls, requests rewritten by
/// <c>Http:HostOverrides</c>, the configured fallback and Instagram APIs), which may reach private addresses; and
/// <see cref="ThirdParty"/> for URLs from pages and API answers, whose connect step goes through the
/// <see cref="AddressGuard"/>. Separate pools: a third-party request can never reuse a connection the operator pool
/// opened to a private address. One more pool per proxy URL (the proxy is the operator's endpoint).
/// </summary>
internal sealed class HttpHandlers : IAsyncDisposable
{
    private readonly AddressGuard _guard;
    private readonly SocketsHttpHandler _thirdParty;
    private readonly ConcurrentDictionary<Uri, Lazy<HttpMessageInvoker>> _proxied = new();

    public HttpHandlers(AddressGuard guard)
    {
        _guard = guard;
        OperatorHandler = CreateHandler(proxy: null, guarded: false);
        Operator = new HttpMessageInvoker(OperatorHandler, disposeHandler: false);
        _thirdParty = CreateHandler(proxy: null, guarded: true);
        ThirdParty = new HttpMessageInvoker(_thirdParty, disposeHandler: false);
    }

    /// <summary>The operator pool's handler (no proxy): redirects, cookies and timeouts are ours, not the handler's.</summary>
    public SocketsHttpHandler OperatorHandler { get; }

    /// <summary>Requests our code addressed through settings: may connect anywhere.</summary>
    public HttpMessageInvoker Operator { get; }

    /// <summary>Requests to URLs from third-party data: every non-public address refused at connect.</summary>
    public HttpMessageInvoker ThirdParty { get; }

    public HttpMessageInvoker For(Uri? proxy, bool operatorRoute) =>
        proxy is not null ? _proxied.GetOrAdd(proxy, p => new Lazy<HttpMessageInvoker>(() => new HttpMessageInvoker(CreateHandler(p, guarded: false)))).Value
        : operatorRoute ? Operator : ThirdParty;

    private SocketsHttpHandler CreateHandler(Uri? proxy, bool guarded)
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
            // A proxy is the operator's endpoint: connect to it unguarded; a third-party target's literal address is
            // checked before the request (the proxy resolves names, so only literals can be checked).
            ConnectCallback = guarded ? ConnectGuardedAsync : ConnectAsync,
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
        var addresses = await _guard.ResolveAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
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
        Operator.Dispose();
        OperatorHandler.Dispose();
        ThirdParty.Dispose();
        _thirdParty.Dispose();
        foreach (var invoker in _proxied.Values)
            if (invoker.IsValueCreated) invoker.Value.Dispose();
        return ValueTask.CompletedTask;
    }
}
