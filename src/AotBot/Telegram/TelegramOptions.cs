using System.ComponentModel.DataAnnotations;
using AotBot.Http;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>How the bot reaches Telegram (section <c>Telegram</c>).</summary>
public sealed record TelegramOptions
{
    public const string Section = "Telegram";

    /// <summary>The bot token from @BotFather: <c>&lt;digits&gt;:&lt;secret&gt;</c>.</summary>
    [Required(ErrorMessage = "Telegram:Token is required: set AOTBOT_Telegram__Token or BOT_TOKEN")]
    [RegularExpression(@"^[0-9]+:[A-Za-z0-9_-]{30,}$",
        ErrorMessage = "Telegram:Token is malformed (expected <digits>:<secret of 30+ characters A-Za-z0-9_->): set AOTBOT_Telegram__Token or BOT_TOKEN")]
    public string Token { get; set; } = "";

    /// <summary>
    /// A file whose content is the token: a systemd credential (<c>$CREDENTIALS_DIRECTORY/telegram-token</c>), a Docker
    /// or Kubernetes secret. Read once at start (see <see cref="TokenFileReader"/>); it wins over <see cref="Token"/>.
    /// </summary>
    public string TokenFile { get; set; } = "";

    /// <summary>The Bot API server; a local Bot API server or a test server goes here.</summary>
    [Required(ErrorMessage = "Telegram:ApiBaseUrl is required: set AOTBOT_Telegram__ApiBaseUrl")]
    [Url(ErrorMessage = "Telegram:ApiBaseUrl must be an absolute http(s) URL: set AOTBOT_Telegram__ApiBaseUrl")]
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>A channel the bot posts inline-mode uploads to, to get a file_id; inline mode is off without it.</summary>
    public long? StorageChannelId { get; set; }

    /// <summary>Users who may run admin commands such as <c>/stats</c>.</summary>
    public long[] AdminIds { get; set; } = [];

    /// <summary><c>polling</c> (getUpdates, the default) or <c>webhook</c> (Telegram posts updates to <c>Http:Listen</c>).</summary>
    public string Mode { get; set; } = "polling";

    /// <summary>The public https URL Telegram posts updates to; its path is the path served on <c>Http:Listen</c>.</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>Sent by Telegram in <c>X-Telegram-Bot-Api-Secret-Token</c> with every update: 1-256 of A-Z a-z 0-9 _ -.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>
    /// The longest a JSON call to the Bot API may take, answer included; an upload gets 30 s plus 1 s per 256 KB
    /// (at most 10 minutes) instead. A call that times out is retried like a 5xx. getUpdates keeps its own bound.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TelegramHttpClient.DefaultRequestTimeout;

    internal bool IsWebhook => Mode.Equals("webhook", StringComparison.OrdinalIgnoreCase);
}

[OptionsValidator]
internal sealed partial class TelegramOptionsValidator : IValidateOptions<TelegramOptions>;

// Hand-written: RangeAttribute over TimeSpan needs a TypeConverter (not trim-safe).
internal sealed class TelegramTimeoutCheck : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options) =>
        options.RequestTimeout < TimeSpan.FromSeconds(1) || options.RequestTimeout > TimeSpan.FromMinutes(10)
            ? ValidateOptionsResult.Fail("Telegram:RequestTimeout must be between 00:00:01 and 00:10:00: set AOTBOT_Telegram__RequestTimeout")
            : ValidateOptionsResult.Success;
}
