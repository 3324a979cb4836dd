using System.Text.Json;
using System.Text.RegularExpressions;

namespace AotBot.Sources.Instagram;

/// <summary>
/// GraphQL answers, in each shape the doc ids in use return: <c>data.xig_polaris_media.if_not_gated_logged_out</c>
/// (the logged-out post query), <c>data.xdt_shortcode_media</c> (the <c>shortcode_media</c> shape) and
/// <c>data.xdt_api__v1__media__shortcode__web_info.items[0]</c> (the app item shape); and the page token it needs.
/// </summary>
internal static partial class InstagramGraphql
{
    /// <summary>Doc ids that take <c>{"shortcode": …}</c>; the others (the logged-out post query) take <c>{"media_id": …}</c>.</summary>
    private static readonly HashSet<string> s_shortcodeDocIds = ["8845758582119845", "7153618348081770"];

    // ["LSD",[],{"token":"AVq…"},323]
    [GeneratedRegex("""
        \["LSD",\[\],\{"token":"([^"\\]+)"
        """, RegexOptions.CultureInvariant)]
    private static partial Regex LsdToken();

    /// <summary>The <c>lsd</c> token a page carries, or null.</summary>
    public static string? ReadLsd(string html) => LsdToken().Match(html) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The <c>variables</c> form field for <paramref name="docId"/>.</summary>
    public static string Variables(string docId, InstagramShortcode shortcode) =>
        s_shortcodeDocIds.Contains(docId)
            ? $$"""{"shortcode":"{{shortcode.Value}}"}"""
            : $$"""{"media_id":"{{shortcode.MediaId}}"}""";

    /// <summary>Reads a GraphQL answer.</summary>
    public static InstagramAnswer Read(string body)
    {
        var root = InstagramJson.Parse(body);
        if (InstagramJson.Failure(root) is { } failure) return new InstagramAnswer(failure);
        var data = root.Object("data");

        var polaris = data.Property("xig_polaris_media");
        if (polaris.ValueKind == JsonValueKind.Object)
        {
            // The media is withheld from logged-out viewers: private, or restricted to adults.
            var open = polaris.Object("if_not_gated_logged_out");
            return open.Exists() ? InstagramAnswer.Of(InstagramJson.FromEither(open)) : new InstagramAnswer(InstagramOutcome.Private);
        }
        if (data.Object("xdt_shortcode_media") is { ValueKind: JsonValueKind.Object } media)
            return InstagramAnswer.Of(InstagramJson.FromShortcodeMedia(media));
        if (data.Object("xdt_api__v1__media__shortcode__web_info") is { ValueKind: JsonValueKind.Object } info)
            return InstagramAnswer.Of(InstagramJson.FromAppItem(info.Items("items").FirstOrDefault()));
        // {"data":{"xdt_shortcode_media":null}}: no post by that shortcode.
        return data.ValueKind == JsonValueKind.Object && data.TryGetProperty("xdt_shortcode_media", out var empty) && empty.ValueKind == JsonValueKind.Null
            ? new InstagramAnswer(InstagramOutcome.NotFound)
            : new InstagramAnswer(InstagramOutcome.NoMedia);
    }
}
