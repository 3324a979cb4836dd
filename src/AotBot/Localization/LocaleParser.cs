using System.Text;
using System.Text.Json;

namespace AotBot.Localization;

/// <summary>Reads a locale (a flat JSON object of key → text) without reflection.</summary>
internal static class LocaleParser
{
    /// <summary>Parses one locale file; throws <see cref="InvalidDataException"/> naming the locale on any other shape.</summary>
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> json, string language)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Invalid(language, "the file must hold one JSON object");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                    throw Invalid(language, $"the value of {key} must be a string");
                if (!texts.TryAdd(key, reader.GetString()!))
                    throw Invalid(language, $"{key} appears twice");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Locale {language} is not valid JSON: {ex.Message}", ex);
        }
        return texts;
    }

    /// <summary>Every locale embedded in the binary as <c>locales/&lt;code&gt;.json</c>.</summary>
    public static Dictionary<string, Dictionary<string, string>> LoadEmbedded()
    {
        var assembly = typeof(LocaleParser).Assembly;
        var locales = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("locales/", StringComparison.Ordinal) || !name.EndsWith(".json", StringComparison.Ordinal))
                continue;
            var language = name["locales/".Length..^".json".Length];
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            locales[language] = Parse(SkipBom(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), language);
        }
        return locales;
    }

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;

    private static InvalidDataException Invalid(string language, string why) => new($"Locale {language} is malformed: {why}");
}
