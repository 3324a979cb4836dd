using System.Net;
using System.Text.RegularExpressions;

namespace AotBot.Testing.FakeBotApi;

/// <summary>How the fake Bot API is unreachable while an outage lasts (<see cref="FakeBotApi.BeginOutage"/>).</summary>
public enum BotApiOutage
{
    /// <summary>Every call gets Telegram's front's 502 page at once.</summary>
    BadGateway,

    /// <summary>Every call hangs: the client's own timeout ends it, or a 504 page when the outage ends.</summary>
    GatewayTimeout,
}

/// <summary>
/// The Bot API's length limits, refused with Telegram's own 400 answers: a text over 4096 characters, a caption over
/// 1024, a callback answer over 200, callback data over 64 bytes. Lengths count what the user sees (HTML tags and
/// entities parsed away), as Telegram does.
/// </summary>
public static partial class BotApiLimits
{
    public const int MaxTextLength = 4096;
    public const int MaxCaptionLength = 1024;
    public const int MaxCallbackAnswerLength = 200;
    public const int MaxCallbackDataBytes = 64;

    /// <summary>The 400 a call with these fields gets, or null when it is within every limit.</summary>
    public static BotApiFault? Check(IReadOnlyDictionary<string, string> fields)
    {
        if (fields.ContainsKey("callback_query_id"))
            return fields.TryGetValue("text", out var answer) && answer.Length > MaxCallbackAnswerLength
                ? BotApiFault.Error(400, "Bad Request: MESSAGE_TOO_LONG")
                : null;
        var html = fields.GetValueOrDefault("parse_mode") is { } mode && mode.Equals("html", StringComparison.OrdinalIgnoreCase);
        if (fields.TryGetValue("text", out var text) && Visible(text, html) > MaxTextLength)
            return BotApiFault.Error(400, "Bad Request: message is too long");
        if (fields.TryGetValue("caption", out var caption) && Visible(caption, html) > MaxCaptionLength)
            return BotApiFault.Error(400, "Bad Request: message caption is too long");
        if (fields.TryGetValue("reply_markup", out var markup) && CallbackData().Matches(markup)
                .Any(m => System.Text.Encoding.UTF8.GetByteCount(Regex.Unescape(m.Groups[1].Value)) > MaxCallbackDataBytes))
            return BotApiFault.Error(400, "Bad Request: BUTTON_DATA_INVALID");
        return null;
    }

    private static int Visible(string text, bool html) => html ? WebUtility.HtmlDecode(Tag().Replace(text, "")).Length : text.Length;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex("\"callback_data\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex CallbackData();
}
