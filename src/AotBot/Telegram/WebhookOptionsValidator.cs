using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>
/// Webhook mode needs a public https URL, a secret and a listener: each missing or malformed one is a line naming
/// the setting, at start.
/// </summary>
internal sealed partial class WebhookOptionsValidator(IConfiguration configuration) : IValidateOptions<TelegramOptions>
{
    // The endpoints the listener serves itself; a webhook path equal to one would shadow it.
    private static readonly string[] s_reservedPaths = ["/healthz", "/readyz", "/metrics"];

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial System.Text.RegularExpressions.Regex SecretPattern();

    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        if (!options.IsWebhook)
        {
            return options.Mode.Equals("polling", StringComparison.OrdinalIgnoreCase)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Telegram:Mode must be polling or webhook: set AOTBOT_Telegram__Mode");
        }
        var failures = new List<string>();
        if (options.WebhookUrl.Length == 0)
            failures.Add("Telegram:WebhookUrl is required in webhook mode: set AOTBOT_Telegram__WebhookUrl");
        else if (!Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            failures.Add("Telegram:WebhookUrl must be an absolute https URL (Telegram posts only to https): set AOTBOT_Telegram__WebhookUrl");
        else if (s_reservedPaths.Contains(url.AbsolutePath, StringComparer.Ordinal))
            failures.Add("Telegram:WebhookUrl must not end in /healthz, /readyz or /metrics: set AOTBOT_Telegram__WebhookUrl");
        if (options.WebhookSecret.Length == 0)
            failures.Add("Telegram:WebhookSecret is required in webhook mode: set AOTBOT_Telegram__WebhookSecret");
        else if (!SecretPattern().IsMatch(options.WebhookSecret))
            failures.Add("Telegram:WebhookSecret must be 1-256 characters of A-Z a-z 0-9 _ -: set AOTBOT_Telegram__WebhookSecret");
        if (configuration["Http:Listen"] is not { Length: > 0 })
            failures.Add("Http:Listen is required in webhook mode: set AOTBOT_Http__Listen");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
