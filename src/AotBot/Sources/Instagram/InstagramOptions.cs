using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Sources.Instagram;

/// <summary>Instagram: read without a key the way maintained downloaders do, then a downloader API (section <c>Instagram</c>).</summary>
public sealed record InstagramOptions
{
    public const string Section = "Instagram";

    /// <summary>Base URL of the downloader API; the bot calls <c>&lt;base&gt;/convert?url=&lt;link&gt;</c>.</summary>
    [RegularExpression("^(https?://.+)?$",
        ErrorMessage = "Instagram:ApiBaseUrl must be an absolute http(s) URL: set AOTBOT_Instagram__ApiBaseUrl")]
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>The API key (<c>x-rapidapi-key</c>). Without it only the keyless paths are tried.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The <c>x-rapidapi-host</c> header; the host of <see cref="ApiBaseUrl"/> when empty.</summary>
    public string ApiHost { get; set; } = "";

    /// <summary>Whether public posts are read without a key (app API, embed page, GraphQL) before the API is asked.</summary>
    public bool Keyless { get; set; } = true;

    /// <summary>The GraphQL <c>doc_id</c> of the logged-out post query; Instagram rotates these.</summary>
    [Required(ErrorMessage = "Instagram:GraphqlDocId must be digits: set AOTBOT_Instagram__GraphqlDocId")]
    [RegularExpression("^[0-9]{1,30}$", ErrorMessage = "Instagram:GraphqlDocId must be digits: set AOTBOT_Instagram__GraphqlDocId")]
    public string GraphqlDocId { get; set; } = "27130156389949648";

    /// <summary>The web app id sent as <c>x-ig-app-id</c> to the app API and GraphQL.</summary>
    [Required(ErrorMessage = "Instagram:AppId must be digits: set AOTBOT_Instagram__AppId")]
    [RegularExpression("^[0-9]{1,30}$", ErrorMessage = "Instagram:AppId must be digits: set AOTBOT_Instagram__AppId")]
    public string AppId { get; set; } = "936619743392459";

    /// <summary>Whether the downloader API can be asked: a key and a base URL are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiBaseUrl);
}

[OptionsValidator]
internal sealed partial class InstagramOptionsValidator : IValidateOptions<InstagramOptions>;
