using System.Net;
using System.Net.Sockets;
using AotBot.Core;
using AotBot.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Hosting;

/// <summary>
/// Runs the <see cref="MiniHttpServer"/> on <c>Http:Listen</c> (in polling and webhook mode alike) and routes each
/// request by exact path to its <see cref="IHttpEndpoint"/>. Registered before the bot's services, so it starts
/// first and stops last: probes keep answering while the bot drains.
/// </summary>
internal sealed class ListenerService(IOptions<HttpOptions> options, IEnumerable<IHttpEndpoint> endpoints,
    TimeProvider time, ILogger<ListenerService> logger) : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, IHttpEndpoint> _routes = endpoints
        .Where(e => e.Path is not null)
        .ToDictionary(e => e.Path!, StringComparer.Ordinal);

    private MiniHttpServer? _server;

    /// <summary>The bound address once started (port 0 resolved), else null.</summary>
    public IPEndPoint? LocalEndPoint => _server?.LocalEndPoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Binds and starts serving (once). <c>aotbot run</c> calls it before the host starts, so a taken port is reported
    /// as one line like any bad setting (<see cref="OptionsValidationException"/>) rather than a host start failure.
    /// </summary>
    public void Start()
    {
        var listen = options.Value.Listen;
        if (_server is not null || ListenAddress.Parse(listen) is not { } endPoint) return;
        try
        {
            _server = MiniHttpServer.Start(endPoint, RouteAsync, new ServerLimits(), time, logger, Screen);
        }
        catch (SocketException ex)
        {
            throw new OptionsValidationException(HttpOptions.Section, typeof(HttpOptions),
                [$"Http:Listen {listen} cannot be bound ({ex.SocketErrorCode}): set AOTBOT_Http__Listen"]);
        }
        logger.ListenerStarted(_server.LocalEndPoint.ToString(), string.Join(' ', _routes.Keys.Order(StringComparer.Ordinal)));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    private ListenerResponse? Screen(ListenerRequest head) =>
        _routes.TryGetValue(head.Path, out var endpoint) ? endpoint.Screen(head) : null;

    private ValueTask<ListenerResponse> RouteAsync(ListenerRequest request, CancellationToken cancellationToken) =>
        _routes.TryGetValue(request.Path, out var endpoint)
            ? endpoint.HandleAsync(request, cancellationToken)
            : ValueTask.FromResult(ListenerResponse.Text(404, "not found\n"));
}
