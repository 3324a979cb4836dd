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
}

[OptionsValidator]
internal sealed partial class TikTokOptionsValidator : IValidateOptions<TikTokOptions>;
