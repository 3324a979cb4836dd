using System.Globalization;
using System.Text.Json;

namespace AotBot.Sources;

/// <summary>
/// Tolerant reads over a page's <see cref="JsonElement"/>: a missing, null or oddly typed field reads as null
/// (or as an undefined element, so reads chain), numbers may come as strings and ids as numbers. Sites change
/// their JSON without notice; none of this throws.
/// </summary>
internal static class JsonReading
{
    /// <summary>The field's value, or an undefined element when it is missing or null (or this is no object).</summary>
    public static JsonElement Property(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : default;

    /// <summary>The field if it is an object, else an undefined element.</summary>
    public static JsonElement Object(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.Object } value ? value : default;

    public static bool Exists(this JsonElement element) => element.ValueKind != JsonValueKind.Undefined;

    /// <summary>A non-empty string (a number is read as its text).</summary>
    public static string? Text(this JsonElement element, string name) => element.Property(name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString() is { Length: > 0 } text ? text : null,
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        _ => null,
    };

    /// <summary>A whole number, from a number, a numeric string or a boolean.</summary>
    public static long? Number(this JsonElement element, string name)
    {
        var value = element.Property(name);
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var whole)) return whole;
                return value.TryGetDouble(out var real) && Math.Abs(real) < long.MaxValue ? (long)real : null;
            case JsonValueKind.String:
                return long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 0;
            default:
                return null;
        }
    }

    public static int? Int(this JsonElement element, string name) =>
        element.Number(name) is { } value && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    public static double? Real(this JsonElement element, string name)
    {
        var value = element.Property(name);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real)) return real;
        return value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
            ? parsed
            : null;
    }

    /// <summary>True for <c>true</c> or a non-zero number.</summary>
    public static bool Flag(this JsonElement element, string name) => element.Number(name) is { } value && value != 0;

    /// <summary>The items of an array field (none when missing or not an array).</summary>
    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.Property(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>The non-empty strings of an array field.</summary>
    public static List<string> Texts(this JsonElement element, string name)
    {
        var result = new List<string>();
        foreach (var item in element.Items(name))
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text) result.Add(text);
        return result;
    }
}
