using System.Text;
using Microsoft.Extensions.Logging;

namespace AotBot.Localization;

/// <summary>
/// The bot's texts in every embedded language. A text missing in a language falls back to English (a test keeps
/// every locale complete); placeholders are <c>{name}</c>, filled by <see cref="Text(string, string, ReadOnlySpan{ValueTuple{string, string}})"/>.
/// Texts may hold Telegram HTML; callers escape the values they put in.
/// </summary>
internal sealed class Localizer
{
    public const string DefaultLanguage = "en";

    // The /lang keyboard shows languages in this order; any other embedded locale follows alphabetically.
    private static readonly string[] s_preferredOrder = ["en", "ru", "uk", "es", "pt", "id", "vi", "ar", "hi"];

    private readonly Dictionary<string, Dictionary<string, string>> _locales;
    private readonly ILogger _logger;

    public Localizer(ILogger<Localizer> logger) : this(LocaleParser.LoadEmbedded(), logger)
    {
    }

    internal Localizer(Dictionary<string, Dictionary<string, string>> locales, ILogger logger)
    {
        if (!locales.ContainsKey(DefaultLanguage))
            throw new InvalidDataException($"The {DefaultLanguage} locale is missing from the binary.");
        _locales = locales;
        _logger = logger;
        Languages = locales.Keys
            .OrderBy(l => Array.IndexOf(s_preferredOrder, l) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(l => l, StringComparer.Ordinal)
            .ToArray();
        logger.LocalesLoaded(Languages.Count, string.Join(",", Languages));
    }

    /// <summary>Language codes, English first.</summary>
    public IReadOnlyList<string> Languages { get; }

    public bool Has(string language) => _locales.ContainsKey(language);

    /// <summary>
    /// The language to answer in: the one chosen with /lang, else Telegram's <c>language_code</c> (its primary subtag:
    /// <c>pt-br</c> → <c>pt</c>), else English.
    /// </summary>
    public string LanguageFor(string? chosen, string? languageCode)
    {
        if (chosen is not null && _locales.ContainsKey(chosen)) return chosen;
        if (languageCode is { Length: >= 2 })
        {
            var dash = languageCode.IndexOfAny(['-', '_']);
            var primary = (dash < 0 ? languageCode : languageCode[..dash]).ToLowerInvariant();
            if (_locales.ContainsKey(primary)) return primary;
        }
        return DefaultLanguage;
    }

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/>.</summary>
    public string Text(string language, string key)
    {
        if (_locales.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var text)) return text;
        if (_locales[DefaultLanguage].TryGetValue(key, out var english)) return english;
        _logger.UnknownKey(key);
        return key;
    }

    /// <summary>The text of <paramref name="key"/> with each <c>{name}</c> replaced by its value.</summary>
    public string Text(string language, string key, params ReadOnlySpan<(string Name, string Value)> values)
    {
        var text = Text(language, key);
        if (values.IsEmpty || !text.Contains('{')) return text;
        var builder = new StringBuilder(text);
        foreach (var (name, value) in values)
            builder.Replace("{" + name + "}", value);
        return builder.ToString();
    }

    /// <summary>All texts of one language (tests compare locales with it).</summary>
    internal IReadOnlyDictionary<string, string> All(string language) => _locales[language];
}
