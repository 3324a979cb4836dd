using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace AotBot.Telegram;

/// <summary>
/// One update as received: its id always, the parsed <see cref="Update"/> when Telegram.Bot could read it, and its
/// JSON as Telegram sent it (what the update queue stores).
/// </summary>
internal readonly record struct IncomingUpdate(long Id, Update? Update, string? Error, string? Json = null)
{
    private static readonly JsonTypeInfo<Update> s_updateInfo = UpdateTypeInfo();

    /// <summary>
    /// Reads each element of a getUpdates <c>result</c> (or a webhook body) on its own: Telegram.Bot fails a whole
    /// response on one unknown polymorphic <c>type</c>, and one unreadable update must not stall the others.
    /// Elements without an <c>update_id</c> are dropped (there is no offset to move past).
    /// </summary>
    public static List<IncomingUpdate> ParseBatch(JsonElement result)
    {
        var updates = new List<IncomingUpdate>(result.GetArrayLength());
        foreach (var element in result.EnumerateArray())
        {
            if (Parse(element) is { } update) updates.Add(update);
        }
        return updates;
    }

    // Telegram.Bot's converters with its source-generated metadata, as under AOT (JsonBotAPI.Options gets the
    // context only when reflection is off, so a JIT build would otherwise take the reflection path).
    private static JsonTypeInfo<Update> UpdateTypeInfo()
    {
        var options = new JsonSerializerOptions(JsonBotAPI.Options) { TypeInfoResolver = JsonBotSerializerContext.Default };
        return (JsonTypeInfo<Update>)options.GetTypeInfo(typeof(Update));
    }

    public static IncomingUpdate? Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("update_id", out var idElement)
            // TryGetInt64 throws rather than fails on a string, null, array or object: a hostile webhook body got a 500.
            || idElement.ValueKind != JsonValueKind.Number
            || !idElement.TryGetInt64(out var id))
            return null;
        try
        {
            return new IncomingUpdate(id, element.Deserialize(s_updateInfo), null, element.GetRawText());
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            return new IncomingUpdate(id, null, ex.Message);
        }
    }
}
