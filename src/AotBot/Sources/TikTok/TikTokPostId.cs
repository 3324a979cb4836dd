using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AotBot.Sources.TikTok;

/// <summary>
/// A TikTok post id (a 19-digit number today): the identity of a post for caches and file names, whatever link
/// form it came from. Short links (<c>vm.tiktok.com/ZM…</c>) carry no id; see <see cref="IsShortLink"/>.
/// </summary>
public readonly partial record struct TikTokPostId
{
    private TikTokPostId(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>The page every post (video or photo) is served at.</summary>
    public Uri PageUrl => new($"https://www.tiktok.com/@_/video/{Value}");

    // 7350810998023949599
    [GeneratedRegex(@"^[0-9]{10,20}$")]
    private static partial Regex BareId();

    // https://www.tiktok.com/@user/video/7350810998023949599?is_from_webapp=1
    // https://www.tiktok.com/@user/photo/7350810998023949599
    [GeneratedRegex(@"^/@[^/]*/(?:video|photo)/([0-9]{10,20})(?:[/?#]|$)")]
    private static partial Regex UserPostPath();

    // https://m.tiktok.com/v/7350810998023949599.html
    [GeneratedRegex(@"^/v/([0-9]{10,20})(?:\.html)?(?:[/?#]|$)")]
    private static partial Regex MobilePath();

    // https://www.tiktok.com/embed/v2/7350810998023949599
    [GeneratedRegex(@"^/embed(?:/v2)?/([0-9]{10,20})(?:[/?#]|$)")]
    private static partial Regex EmbedPath();

    // https://www.tiktok.com/share/video/7350810998023949599
    [GeneratedRegex(@"^/share/video/([0-9]{10,20})(?:[/?#]|$)")]
    private static partial Regex SharePath();

    // https://www.tiktok.com/@user?item_id=7350810998023949599 (also share_item_id=)
    [GeneratedRegex(@"[?&](?:share_)?item_id=([0-9]{10,20})(?:&|$)")]
    private static partial Regex ItemIdQuery();

    // https://vm.tiktok.com/ZMhvqKo7x/ , https://vt.tiktok.com/ZSxxxxxxx/ , https://www.tiktok.com/t/ZTRav7308/
    [GeneratedRegex(@"^/(?:t/)?[A-Za-z0-9_-]{5,20}/?$")]
    private static partial Regex ShortLinkPath();

    /// <summary>Reads the id from a bare id or any TikTok post link; null for anything else (short links included).</summary>
    public static TikTokPostId? TryParse(string? urlOrId)
    {
        if (string.IsNullOrWhiteSpace(urlOrId)) return null;
        urlOrId = urlOrId.Trim();
        if (BareId().IsMatch(urlOrId)) return new TikTokPostId(urlOrId);
        return TryCreateUrl(urlOrId, out var url) ? TryParse(url) : null;
    }

    /// <summary>Reads the id from a TikTok post link; null for other links (short links included).</summary>
    public static TikTokPostId? TryParse(Uri url)
    {
        if (!IsTikTokHost(url)) return null;
        var path = url.AbsolutePath;
        foreach (var pattern in (ReadOnlySpan<Regex>)[UserPostPath(), MobilePath(), EmbedPath(), SharePath()])
        {
            var match = pattern.Match(path);
            if (match.Success) return new TikTokPostId(match.Groups[1].Value);
        }
        var query = ItemIdQuery().Match(url.Query);
        return query.Success ? new TikTokPostId(query.Groups[1].Value) : null;
    }

    /// <summary>Reads the id or throws <see cref="UnsupportedLinkException"/>.</summary>
    public static TikTokPostId Parse(string urlOrId) =>
        TryParse(urlOrId) ?? throw new UnsupportedLinkException($"Not a TikTok post link or id: {urlOrId}");

    /// <summary>
    /// Whether <paramref name="url"/> is a short link that must be resolved by following its redirects:
    /// <c>vm.tiktok.com/&lt;code&gt;</c>, <c>vt.tiktok.com/&lt;code&gt;</c> or <c>www.tiktok.com/t/&lt;code&gt;</c>.
    /// </summary>
    public static bool IsShortLink(Uri url)
    {
        if (!IsTikTokHost(url)) return false;
        var host = url.IdnHost;
        var shortHost = host.Equals("vm.tiktok.com", StringComparison.OrdinalIgnoreCase)
            || host.Equals("vt.tiktok.com", StringComparison.OrdinalIgnoreCase);
        var path = url.AbsolutePath;
        if (shortHost) return ShortLinkPath().IsMatch(path) && !path.StartsWith("/t/", StringComparison.Ordinal);
        return path.StartsWith("/t/", StringComparison.Ordinal) && ShortLinkPath().IsMatch(path);
    }

    /// <summary>Whether <paramref name="url"/> is an http(s) URL on tiktok.com or one of its subdomains.</summary>
    public static bool IsTikTokHost(Uri url) =>
        url.IsAbsoluteUri
        && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        && (url.IdnHost.Equals("tiktok.com", StringComparison.OrdinalIgnoreCase)
            || url.IdnHost.EndsWith(".tiktok.com", StringComparison.OrdinalIgnoreCase));

    private static bool TryCreateUrl(string text, [NotNullWhen(true)] out Uri? url)
    {
        if (!text.Contains("://", StringComparison.Ordinal)) text = "https://" + text;
        return Uri.TryCreate(text, UriKind.Absolute, out url);
    }
}
