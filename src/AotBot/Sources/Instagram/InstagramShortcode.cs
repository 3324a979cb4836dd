using System.Text.RegularExpressions;

namespace AotBot.Sources.Instagram;

/// <summary>An Instagram post's shortcode (<c>C4xYz_AbCdE</c>): the identity of a post, reel or IGTV video.</summary>
public readonly partial record struct InstagramShortcode
{
    private InstagramShortcode(string kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    public string Value { get; }

    /// <summary>The path segment the link used: <c>p</c>, <c>reel</c>, <c>reels</c> or <c>tv</c>.</summary>
    public string Kind { get; }

    public override string ToString() => Value;

    /// <summary>The canonical link, as sent to the downloader API and shown in captions.</summary>
    public Uri Url => new($"https://www.instagram.com/{(Kind == "reels" ? "reel" : Kind)}/{Value}/");

    // https://www.instagram.com/p/C4xYz_AbCdE/?igsh=abc , https://instagram.com/reel/C4xYz_AbCdE
    // https://www.instagram.com/reels/C4xYz_AbCdE/ , https://www.instagram.com/tv/C4xYz_AbCdE/
    // https://www.instagram.com/username/p/C4xYz_AbCdE/
    [GeneratedRegex(@"^/(?:[A-Za-z0-9_.]+/)?(p|reel|reels|tv)/([A-Za-z0-9_-]{5,64})(?:/|$)")]
    private static partial Regex PostPath();

    /// <summary>
    /// The numeric media id, computed from the shortcode with no request: the shortcode is base64 in the alphabet
    /// <c>A–Z a–z 0–9 - _</c>, 6 bits a character, most significant first; only its first 11 characters count
    /// (longer shortcodes of private posts carry more after them).
    /// </summary>
    public string MediaId
    {
        get
        {
            UInt128 id = 0;
            foreach (var character in Value.AsSpan(0, Math.Min(Value.Length, 11)))
                id = (id << 6) | (uint)Alphabet.IndexOf(character);
            return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    internal const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    // https://www.instagram.com/share/BAHsxy4Vsf/ , https://www.instagram.com/share/reel/BAHsxy4Vsf/
    [GeneratedRegex(@"^/share/(?:(?:p|reel|reels|tv)/)?[A-Za-z0-9_-]{5,64}/?$")]
    private static partial Regex SharePath();

    /// <summary>Whether <paramref name="url"/> is on instagram.com or one of its subdomains (over http or https).</summary>
    public static bool IsInstagramHost(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)) return false;
        var host = url.IdnHost;
        return host.Equals("instagram.com", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".instagram.com", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether <paramref name="url"/> is a <c>/share/&lt;token&gt;/</c> link, which redirects to the post (no network).</summary>
    public static bool IsShareLink(Uri url) => IsInstagramHost(url) && SharePath().IsMatch(url.AbsolutePath);

    /// <summary>Reads the shortcode of an Instagram post link; null for anything else.</summary>
    public static InstagramShortcode? TryParse(Uri url)
    {
        if (!IsInstagramHost(url)) return null;
        var match = PostPath().Match(url.AbsolutePath);
        return match.Success ? new InstagramShortcode(match.Groups[1].Value, match.Groups[2].Value) : null;
    }

    /// <summary>Reads the shortcode of an Instagram post link (scheme optional); null for anything else.</summary>
    public static InstagramShortcode? TryParse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        url = url.Trim();
        if (!url.Contains("://", StringComparison.Ordinal)) url = "https://" + url;
        return Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? TryParse(parsed) : null;
    }
}
