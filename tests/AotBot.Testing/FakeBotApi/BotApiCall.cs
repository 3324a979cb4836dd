using System.Text.Json;
using AotBot.Http;

namespace AotBot.Testing.FakeBotApi;

/// <summary>A file uploaded in a multipart request: its part name, file name and bytes.</summary>
public sealed record UploadedFile(string PartName, string FileName, string? ContentType, byte[] Bytes);

/// <summary>
/// One Bot API call as the fake server received it. <see cref="Fields"/> hold every parameter as text: JSON bodies'
/// strings as they are, other JSON values as raw JSON; multipart parts as sent (so booleans may read "True").
/// </summary>
public sealed record BotApiCall(
    int Sequence, string Method, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, UploadedFile> Files,
    int Status, DateTimeOffset At)
{
    public string? this[string field] => Fields.GetValueOrDefault(field);

    public long? ChatId => Fields.TryGetValue("chat_id", out var value) && long.TryParse(value, out var id) ? id : null;

    /// <summary>Whether Telegram answered it with ok (a fault injected gives its status here).</summary>
    public bool Succeeded => Status == 200;

    /// <summary>A boolean parameter, accepting JSON's <c>true</c> and Telegram.Bot's multipart <c>True</c>.</summary>
    public bool Flag(string field) => string.Equals(this[field], "true", StringComparison.OrdinalIgnoreCase);

    public int? Int(string field) => int.TryParse(this[field], out var value) ? value : null;

    /// <summary>A parameter holding JSON (reply_markup, reply_parameters, media), parsed.</summary>
    public JsonElement Json(string field) =>
        JsonDocument.Parse(this[field] ?? throw new KeyNotFoundException($"{Method} has no {field}")).RootElement.Clone();

    /// <summary>The file a parameter names: <c>attach://&lt;part&gt;</c>, or a part named like the parameter.</summary>
    public UploadedFile? File(string field) => Resolve(this[field]) ?? Files.GetValueOrDefault(field);

    /// <summary>The <c>media</c> items of sendMediaGroup or editMessageMedia.</summary>
    public IReadOnlyList<JsonElement> Media =>
        Json("media") is { ValueKind: JsonValueKind.Array } array ? [.. array.EnumerateArray()] : [Json("media")];

    /// <summary>The uploaded file of the media item at <paramref name="index"/>, or null for a file_id.</summary>
    public UploadedFile? MediaFile(int index) => Resolve(Media[index].GetProperty("media").GetString());

    /// <summary>The file_id a parameter or media item names when it is not an upload.</summary>
    public static string? FileIdOf(string? value) =>
        value is null || value.StartsWith("attach://", StringComparison.Ordinal) ? null : value;

    /// <summary>The callback data of every inline keyboard button of <c>reply_markup</c>, row by row.</summary>
    public IReadOnlyList<string> ButtonData =>
        this["reply_markup"] is null
            ? []
            : [.. Json("reply_markup").GetProperty("inline_keyboard").EnumerateArray()
                .SelectMany(row => row.EnumerateArray())
                .Select(button => button.TryGetProperty("callback_data", out var data) ? data.GetString() ?? "" : "")];

    private UploadedFile? Resolve(string? value) =>
        value is not null && value.StartsWith("attach://", StringComparison.Ordinal)
            ? Files.GetValueOrDefault(value["attach://".Length..])
            : null;

    public override string ToString() => $"#{Sequence} {Method} ({Status}) " + string.Join(", ", Fields.Select(f => $"{f.Key}={f.Value}"));
}
