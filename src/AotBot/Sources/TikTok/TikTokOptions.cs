using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.TikTok;

/// <summary>TikTok extraction (section <c>TikTok</c>).</summary>
public sealed record TikTokOptions
{
    public const string Section = "TikTok";

    /// <summary>An endpoint answering in the app API's <c>aweme_detail</c> shape, tried when the web page is blocked.</summary>
    /// <remarks><para>
    /// <c>{id}</c> in the URL is replaced by the post id; without it, <c>aweme_id=&lt;id&gt;</c> is added to the query.
    /// Empty: no fallback, and a blocked page ends in a rate-limit error.
    /// </para></remarks>
    [RegularExpression("^(https?://.+)?$",
        ErrorMessage = "TikTok:ApiFallbackUrl must be an absolute http(s) URL: set AOTBOT_TikTok__ApiFallbackUrl")]
    public string ApiFallbackUrl { get; set; } = "";

    /// <summary>The key sent to the fallback endpoint in the <see cref="ApiFallbackKeyHeader"/> header; none when empty.</summary>
    public string ApiFallbackKey { get; set; } = "";

    /// <summary>The header that carries <see cref="ApiFallbackKey"/>.</summary>
    [RegularExpression("^[A-Za-z0-9-]+$",
        ErrorMessage = "TikTok:ApiFallbackKeyHeader must be a header name (letters, digits, dashes): set AOTBOT_TikTok__ApiFallbackKeyHeader")]
    public string ApiFallbackKeyHeader { get; set; } = "x-api-key";

    /// <summary><c>GET</c> (the URL carries the id) or <c>POST</c> with the form <c>aweme_ids=[&lt;id&gt;]</c> (TikTok's app endpoint).</summary>
    [RegularExpression("^(?i:get|post)$", ErrorMessage = "TikTok:ApiFallbackMethod must be GET or POST: set AOTBOT_TikTok__ApiFallbackMethod")]
    public string ApiFallbackMethod { get; set; } = "GET";

    /// <summary>
    /// Browser User-Agents for TikTok page requests, tried in turn when a page is blocked; empty: <see cref="DefaultUserAgents"/>.
    /// TikTok's front has refused some browser major versions and let others through, changing within days.
    /// </summary>
    public string[] UserAgents { get; set; } = [];

    /// <summary>A folder where unexpected TikTok pages are saved for a bug report (at most 20 files); empty: off.</summary>
    public string CaptureDir { get; set; } = "";

    /// <summary>Current desktop browsers of different families and major versions.</summary>
    public static IReadOnlyList<string> DefaultUserAgents { get; } =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36",
    ];

    /// <summary>The User-Agents in use: <see cref="UserAgents"/> without blanks, or the defaults.</summary>
    public IReadOnlyList<string> EffectiveUserAgents =>
        UserAgents.Where(agent => !string.IsNullOrWhiteSpace(agent)).Select(agent => agent.Trim()).ToArray() is { Length: > 0 } agents ? agents : DefaultUserAgents;
}

[OptionsValidator]
internal sealed partial class TikTokOptionsValidator : IValidateOptions<TikTokOptions>;
