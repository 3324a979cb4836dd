using System.Text.Json;

namespace AotBot.Testing.FakeBotApi;

/// <summary>
/// Builds update bodies (everything but <c>update_id</c>, which <see cref="FakeBotApi.Enqueue"/> assigns) in Telegram's
/// shape. Positive chat ids are private chats with that user; negative ones are supergroups.
/// </summary>
public sealed class FakeUpdates(long botId = 1)
{
    private int _messageId = 100;
    private int _queryId;

    public static string ChatType(long chatId) => chatId < 0 ? "supergroup" : "private";

    /// <summary>A text message; its url entities are marked the way Telegram marks them.</summary>
    public string Text(long chatId, long userId, string text, string? languageCode = "en", int? messageId = null)
    {
        var entities = UrlEntities(text);
        return Message(chatId, userId, languageCode, messageId,
            $"\"text\":{Json(text)}" + (entities.Length > 0 ? $",\"entities\":{entities}" : ""));
    }

    /// <summary>A photo message, optionally with a caption.</summary>
    public string Photo(long chatId, long userId, string? caption = null, string? languageCode = "en") =>
        Message(chatId, userId, languageCode, null,
            "\"photo\":[{\"file_id\":\"user-photo\",\"file_unique_id\":\"up\",\"width\":90,\"height\":90}]"
            + (caption is null ? "" : $",\"caption\":{Json(caption)}"));

    /// <summary>A press on an inline button of the bot's message <paramref name="messageId"/>.</summary>
    public string Callback(long chatId, long userId, string data, int messageId, string? languageCode = "en") =>
        $$$"""
        {"callback_query":{"id":"cb{{{Interlocked.Increment(ref _queryId)}}}","from":{{{User(userId, languageCode)}}},"chat_instance":"ci{{{chatId}}}",
         "data":{{{Json(data)}}},"message":{"message_id":{{{messageId}}},"date":{{{Now}}},"chat":{{{Chat(chatId)}}},"from":{"id":1,"is_bot":true,"first_name":"AotBot","username":"aotbot_test_bot"},"text":"…"} } }
        """;

    public string InlineQuery(long userId, string query, string? languageCode = "en") =>
        $$$"""{"inline_query":{"id":"iq{{{Interlocked.Increment(ref _queryId)}}}","from":{{{User(userId, languageCode)}}},"query":{{{Json(query)}}},"offset":""}}""";

    public string ChosenInlineResult(long userId, string query, string? inlineMessageId, string resultId = "post", string? languageCode = "en") =>
        $$$"""
        {"chosen_inline_result":{"result_id":{{{Json(resultId)}}},"from":{{{User(userId, languageCode)}}},"query":{{{Json(query)}}}{{{(inlineMessageId is null ? "" : $",\"inline_message_id\":{Json(inlineMessageId)}")}}}}}
        """;

    /// <summary>A message carrying a <c>forward_origin</c> of a type Telegram.Bot does not know.</summary>
    public string UnknownPolymorphicType(long chatId, long userId) =>
        Message(chatId, userId, "en", null, "\"text\":\"forwarded\",\"forward_origin\":{\"type\":\"hologram\",\"date\":1700000000}");

    /// <summary>
    /// The bot's own membership changing in a chat, as <paramref name="userId"/> did it (added it, promoted it, removed
    /// it): statuses <c>left</c>, <c>member</c>, <c>administrator</c>, <c>kicked</c>; <paramref name="chatType"/>
    /// <c>group</c>, <c>supergroup</c> or <c>channel</c> (default: by the id's sign).
    /// </summary>
    public string MyChatMember(long chatId, long userId, string oldStatus, string newStatus, string? chatType = null, string? languageCode = "en") =>
        $$$"""
        {"my_chat_member":{"chat":{{{Chat(chatId, chatType)}}},"from":{{{User(userId, languageCode)}}},"date":{{{Now}}},
         "old_chat_member":{{{BotMember(oldStatus)}}},"new_chat_member":{{{BotMember(newStatus)}}} } }
        """;

    /// <summary>The service message a group gets when it becomes supergroup <paramref name="newChatId"/>.</summary>
    public string MigrateTo(long chatId, long userId, long newChatId) =>
        $$$"""{"message":{"message_id":{{{NextMessageId()}}},"date":{{{Now}}},"chat":{"id":{{{chatId}}},"type":"group","title":"Group {{{chatId}}}"},"from":{{{User(userId, "en")}}},"migrate_to_chat_id":{{{newChatId}}}}}""";

    private string BotMember(string status)
    {
        var bot = $$$"""{"id":{{{botId}}},"is_bot":true,"first_name":"AotBot","username":"aotbot_test_bot"}""";
        return status switch
        {
            "administrator" => $$$"""
                {"status":"administrator","user":{{{bot}}},"can_be_edited":false,"is_anonymous":false,"can_manage_chat":true,
                 "can_delete_messages":true,"can_manage_video_chats":false,"can_restrict_members":false,"can_promote_members":false,
                 "can_change_info":false,"can_invite_users":true,"can_post_stories":false,"can_edit_stories":false,"can_delete_stories":false}
                """,
            "kicked" => $$$"""{"status":"kicked","user":{{{bot}}},"until_date":0}""",
            _ => $$$"""{"status":"{{{status}}}","user":{{{bot}}}}""",
        };
    }

    public int NextMessageId() => Interlocked.Increment(ref _messageId);

    private string Message(long chatId, long userId, string? languageCode, int? messageId, string content) =>
        $$$"""{"message":{"message_id":{{{messageId ?? NextMessageId()}}},"date":{{{Now}}},"chat":{{{Chat(chatId)}}},"from":{{{User(userId, languageCode)}}},{{{content}}}}}""";

    public static string User(long userId, string? languageCode) =>
        $$$"""{"id":{{{userId}}},"is_bot":false,"first_name":"User","last_name":"{{{userId}}}","username":"user{{{userId}}}"{{{(languageCode is null ? "" : $",\"language_code\":\"{languageCode}\"")}}}}""";

    public static string Chat(long chatId, string? type = null) => (type ?? ChatType(chatId)) switch
    {
        "private" => $$$"""{"id":{{{chatId}}},"type":"private","first_name":"User"}""",
        var other => $$$"""{"id":{{{chatId}}},"type":"{{{other}}}","title":"Group {{{chatId}}}"}""",
    };

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Json(string text) => JsonSerializer.Serialize(text, FakeJsonContext.Default.String);

    // Telegram marks each http(s) link of a text with a url entity (offsets in UTF-16 code units).
    private static string UrlEntities(string text)
    {
        var entities = new List<string>();
        var position = 0;
        while (position < text.Length)
        {
            var start = text.IndexOf("http", position, StringComparison.OrdinalIgnoreCase);
            if (start < 0) break;
            var end = start;
            while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
            entities.Add($$$"""{"type":"url","offset":{{{start}}},"length":{{{end - start}}}}""");
            position = end;
        }
        return entities.Count == 0 ? "" : "[" + string.Join(",", entities) + "]";
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class FakeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
