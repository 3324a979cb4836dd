namespace AotBot.Testing.FakeBotApi;

/// <summary>An answer the fake gives instead of success, once per injection.</summary>
public sealed record BotApiFault(int Status, string Body, string ContentType = "application/json")
{
    /// <summary><c>429 Too Many Requests</c> with <c>parameters.retry_after</c>, as Telegram sends it.</summary>
    public static BotApiFault TooManyRequests(int retryAfter) => new(429,
        $$$"""{"ok":false,"error_code":429,"description":"Too Many Requests: retry after {{{retryAfter}}}","parameters":{"retry_after":{{{retryAfter}}}}}""");

    /// <summary>A 502 from Telegram's front (an HTML page, no Bot API answer).</summary>
    public static BotApiFault BadGateway() => new(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");

    /// <summary>403 for a user who blocked the bot.</summary>
    public static BotApiFault Blocked() => Error(403, "Forbidden: bot was blocked by the user");

    /// <summary>409 for getUpdates when another process polls with the same token.</summary>
    public static BotApiFault TerminatedByOtherPoller() =>
        Error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");

    /// <summary>409 for getUpdates while a webhook is set.</summary>
    public static BotApiFault WebhookActive() =>
        Error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");

    /// <summary>Any Bot API error answer.</summary>
    public static BotApiFault Error(int code, string description) => new(code,
        $$$"""{"ok":false,"error_code":{{{code}}},"description":"{{{description}}}"}""");

    /// <summary>400 for a group that became a supergroup, with <c>parameters.migrate_to_chat_id</c>, as Telegram sends it.</summary>
    public static BotApiFault Migrated(long newChatId) => new(400,
        $$$"""{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":{{{newChatId}}}}}""");
}
