using System.Text;

namespace AotBot.Core;

/// <summary>
/// One path served on <c>Http:Listen</c>: health, readiness, metrics, the Telegram webhook. The contract lives in Core so
/// a capability (the webhook) can offer a path without knowing the listener, which sits at the top with the host.
/// </summary>
internal interface IHttpEndpoint
{
    /// <summary>The exact path served (no query), or null when the endpoint is switched off by configuration.</summary>
    string? Path { get; }

    ValueTask<ListenerResponse> HandleAsync(ListenerRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// A refusal decided from the request line and headers alone (the body not read yet and empty here), or null to
    /// read the body and call <see cref="HandleAsync"/>.
    /// </summary>
    ListenerResponse? Screen(ListenerRequest head) => null;
}

/// <summary>A request as the listener read it: the whole body is in memory (at most the listener's <c>ServerLimits.MaxBodyBytes</c>).</summary>
internal sealed record ListenerRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>The first header of that name (case-insensitive), or null.</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
        }
        return null;
    }

    public bool IsGetOrHead => Method is "GET" or "HEAD";
}

/// <summary>A complete response; <see cref="Allow"/> is sent with 405.</summary>
internal sealed record ListenerResponse(int Status, string ContentType, ReadOnlyMemory<byte> Body, string? Allow = null)
{
    public const string PlainText = "text/plain; charset=utf-8";

    public static ListenerResponse Text(int status, string text) => new(status, PlainText, Encoding.UTF8.GetBytes(text));

    public static ListenerResponse MethodNotAllowed(string allow) => Text(405, "method not allowed\n") with { Allow = allow };
}
