using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AotBot.Sources.TikTok;

/// <summary>
/// TikTok's "Please wait…" proof-of-work page: <c>&lt;p id="cs" class="base64 JSON"&gt;</c> holds the puzzle
/// (<c>v.a</c>: base64 prefix bytes, <c>v.c</c>: base64 SHA-256 digest), <c>&lt;p id="wci"&gt;</c> names the cookie
/// that carries the answer, and <c>rci</c>/<c>rs</c>, when present, a second cookie and its value.
/// </summary>
internal sealed partial class TikTokChallenge
{
    /// <summary>The largest answer the page may want (inclusive).</summary>
    public const int MaxAnswer = 1_000_000;

    private TikTokChallenge(JsonElement json, byte[] prefix, byte[] digest, string cookieName, (string Name, string Value)? second)
    {
        Json = json;
        Prefix = prefix;
        Digest = digest;
        CookieName = cookieName;
        SecondCookie = second;
    }

    /// <summary>The decoded <c>cs</c> JSON; the answer is this object with <c>d</c> set.</summary>
    public JsonElement Json { get; }

    public byte[] Prefix { get; }

    public byte[] Digest { get; }

    /// <summary>The cookie named by <c>wci</c> (commonly <c>_wafchallengeid</c>).</summary>
    public string CookieName { get; }

    /// <summary><c>rci</c> = <c>rs</c>, when the page has both.</summary>
    public (string Name, string Value)? SecondCookie { get; }

    // <p id="cs" class="eyJ2Ijp7..."></p> (attributes in either order)
    [GeneratedRegex("""<\w+\s[^>]*?(?:\bid=["'](?<id>cs|wci|rci|rs)["'][^>]*?\bclass=["'](?<value>[^"']*)["']|\bclass=["'](?<value>[^"']*)["'][^>]*?\bid=["'](?<id>cs|wci|rci|rs)["'])""",
        RegexOptions.IgnoreCase)]
    private static partial Regex ChallengeElement();

    /// <summary>Reads the page; null when it is not a well-formed challenge (never throws on bad input).</summary>
    public static TikTokChallenge? TryParse(string? html)
    {
        if (string.IsNullOrEmpty(html) || html.Length > 64 * 1024) return null;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in ChallengeElement().Matches(html))
            values.TryAdd(match.Groups["id"].Value, match.Groups["value"].Value);
        if (!values.TryGetValue("cs", out var cs) || !values.TryGetValue("wci", out var cookieName) || !IsCookieName(cookieName)) return null;
        if (FromBase64(cs) is not { } jsonBytes) return null;

        JsonElement json;
        try
        {
            json = JsonElement.Parse(jsonBytes);
        }
        catch (JsonException)
        {
            return null;
        }
        var puzzle = json.Object("v");
        if (FromBase64(puzzle.Text("a")) is not { } prefix || FromBase64(puzzle.Text("c")) is not { Length: SHA256.HashSizeInBytes } digest)
            return null;

        (string, string)? second = values.TryGetValue("rci", out var name) && values.TryGetValue("rs", out var value)
            && IsCookieName(name) && IsCookieValue(value) ? (name, value) : null;
        return new TikTokChallenge(json, prefix, digest, cookieName, second);
    }

    /// <summary>
    /// The smallest i in 0..<see cref="MaxAnswer"/> with SHA-256(prefix ‖ ASCII i) = digest, or null when there is none.
    /// Pure and CPU-bound (up to a million hashes): callers run it off their thread.
    /// </summary>
    public static int? Solve(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> digest, CancellationToken cancellationToken)
    {
        if (digest.Length != SHA256.HashSizeInBytes || prefix.Length > 4096) return null;
        Span<byte> input = stackalloc byte[prefix.Length + 7];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        prefix.CopyTo(input);
        var tail = input[prefix.Length..];
        for (var i = 0; i <= MaxAnswer; i++)
        {
            if ((i & 0x3FFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            i.TryFormat(tail, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
            SHA256.HashData(input[..(prefix.Length + written)], hash);
            if (hash.SequenceEqual(digest)) return i;
        }
        return null;
    }

    /// <summary>Solves the puzzle on the thread pool; null when no answer exists.</summary>
    public Task<int?> SolveAsync(CancellationToken cancellationToken) =>
        Task.Run(() => Solve(Prefix, Digest, cancellationToken), cancellationToken);

    /// <summary>The cookie value for answer <paramref name="i"/>: base64 of the JSON with <c>d</c> = base64(ASCII i).</summary>
    public string CookieValue(int i)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in Json.EnumerateObject())
            {
                if (property.NameEquals("d")) continue;
                property.WriteTo(writer);
            }
            writer.WriteString("d", Convert.ToBase64String(Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            writer.WriteEndObject();
        }
        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>Standard or URL-safe base64, padding optional; null when it is not base64.</summary>
    internal static byte[]? FromBase64(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 16 * 1024) return null;
        var normal = text.Trim().Replace('-', '+').Replace('_', '/').TrimEnd('=');
        if (normal.Length % 4 == 1) return null;
        normal = normal.PadRight(normal.Length + (4 - normal.Length % 4) % 4, '=');
        var bytes = new byte[normal.Length / 4 * 3];
        return Convert.TryFromBase64String(normal, bytes, out var written) ? bytes[..written] : null;
    }

    private static bool IsCookieName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static bool IsCookieValue(string value) =>
        value.Length <= 4096 && value.All(c => c > ' ' && c < 127 && c is not (';' or ',' or '"' or '\\'));
}
