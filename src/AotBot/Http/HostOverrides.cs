using Microsoft.Extensions.Options;

namespace AotBot.Http;

/// <summary>
/// <c>Http:HostOverrides</c>: maps the logical URL a caller asked for to the physical URL we connect to.
/// Scheme, host and port come from the configured base; the path (after the base's own path) and query are kept.
/// </summary>
internal sealed class HostOverrides
{
    private readonly Dictionary<string, Uri> _targets = new(StringComparer.OrdinalIgnoreCase);

    public HostOverrides(IOptions<HttpOptions> options)
    {
        foreach (var (host, target) in options.Value.HostOverrides)
            _targets[host] = new Uri(target, UriKind.Absolute);
    }

    /// <summary>Base URLs requests are redirected to.</summary>
    public IEnumerable<Uri> Targets => _targets.Values;

    /// <summary>True when requests to <paramref name="logical"/>'s host are rewritten: the operator's route, not the URL's address.</summary>
    public bool Covers(Uri logical) => _targets.ContainsKey(logical.IdnHost);

    public Uri Apply(Uri logical)
    {
        if (!_targets.TryGetValue(logical.IdnHost, out var target)) return logical;
        var builder = new UriBuilder(target.Scheme, target.Host, target.Port)
        {
            Path = target.AbsolutePath.TrimEnd('/') + logical.AbsolutePath,
            Query = logical.Query.TrimStart('?'),
        };
        return builder.Uri;
    }
}
