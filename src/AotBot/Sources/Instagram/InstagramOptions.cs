using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.Instagram;

/// <summary>Instagram through a downloader API (section <c>Instagram</c>).</summary>
public sealed record InstagramOptions
{
    public const string Section = "Instagram";

    /// <summary>Base URL of the downloader API; the bot calls <c>&lt;base&gt;/convert?url=&lt;link&gt;</c>.</summary>
    [RegularExpression("^(https?://.+)?$",
        ErrorMessage = "Instagram:ApiBaseUrl must be an absolute http(s) URL: set AOTBOT_Instagram__ApiBaseUrl")]
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>The API key (<c>x-rapidapi-key</c>). Without it the Instagram source is off and says so to users.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The <c>x-rapidapi-host</c> header; the host of <see cref="ApiBaseUrl"/> when empty.</summary>
    public string ApiHost { get; set; } = "";

    /// <summary>Whether the source can run: a key and a base URL are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiBaseUrl);
}

[OptionsValidator]
internal sealed partial class InstagramOptionsValidator : IValidateOptions<InstagramOptions>;
