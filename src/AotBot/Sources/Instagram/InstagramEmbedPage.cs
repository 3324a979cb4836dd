using System.Text.Json;
using System.Text.RegularExpressions;

namespace AotBot.Sources.Instagram;

/// <summary>
/// The embed page (<c>/p/&lt;shortcode&gt;/embed/captioned/</c>): a script payload whose <c>contextJSON</c> member is a
/// JSON string holding <c>gql_data.shortcode_media</c>.
/// </summary>
internal static partial class InstagramEmbedPage
{
    // …"init",[],[{"contextJSON":"{\"context\":…,\"gql_data\":{\"shortcode_media\":…}}", …}]],…
    [GeneratedRegex("""
        "contextJSON"\s*:\s*("(?:[^"\\]|\\.)*")
        """, RegexOptions.CultureInvariant)]
    private static partial Regex ContextJson();

    /// <summary>Reads an embed page: the post, or <see cref="InstagramOutcome.NoMedia"/> when it carries none (or an incomplete album).</summary>
    public static InstagramAnswer Read(string html)
    {
        foreach (Match match in ContextJson().Matches(html))
        {
            // The member is a JSON string literal; its text is the JSON document.
            if (InstagramJson.Parse(match.Groups[1].Value) is not { ValueKind: JsonValueKind.String } literal) continue;
            var context = InstagramJson.Parse(literal.GetString());
            var media = context.Object("gql_data").Object("shortcode_media");
            if (media.Exists()) return InstagramAnswer.Of(InstagramJson.FromShortcodeMedia(media));
        }
        return new InstagramAnswer(InstagramOutcome.NoMedia);
    }
}
