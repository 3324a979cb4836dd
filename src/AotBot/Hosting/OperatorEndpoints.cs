using AotBot.Core;

namespace AotBot.Hosting;

/// <summary><c>/healthz</c>: the process is up and serving (liveness).</summary>
internal sealed class HealthzEndpoint : IHttpEndpoint
{
    public string? Path => "/healthz";

    public ValueTask<ListenerResponse> HandleAsync(ListenerRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.IsGetOrHead ? ListenerResponse.Text(200, "ok\n") : ListenerResponse.MethodNotAllowed("GET, HEAD"));
}

/// <summary><c>/readyz</c>: 200 when every <see cref="IReadinessCheck"/> passes, else 503; one line per check.</summary>
internal sealed class ReadyzEndpoint(Readiness readiness) : IHttpEndpoint
{
    public string? Path => "/readyz";

    public async ValueTask<ListenerResponse> HandleAsync(ListenerRequest request, CancellationToken cancellationToken)
    {
        if (!request.IsGetOrHead) return ListenerResponse.MethodNotAllowed("GET, HEAD");
        var (ready, report) = await readiness.EvaluateAsync(cancellationToken);
        return ListenerResponse.Text(ready ? 200 : 503, report);
    }
}

/// <summary><c>/metrics</c>: <see cref="BotMetrics"/> in the Prometheus text format.</summary>
internal sealed class MetricsEndpoint(BotMetrics metrics) : IHttpEndpoint
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public string? Path => "/metrics";

    public ValueTask<ListenerResponse> HandleAsync(ListenerRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(request.IsGetOrHead
            ? new ListenerResponse(200, ContentType, System.Text.Encoding.UTF8.GetBytes(metrics.Render()))
            : ListenerResponse.MethodNotAllowed("GET, HEAD"));
}
