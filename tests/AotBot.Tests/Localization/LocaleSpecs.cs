using System.Text;
using System.Text.RegularExpressions;
using AotBot.Localization;
using Microsoft.Extensions.Logging.Abstractions;

namespace AotBot.Tests.Localization;

public sealed partial class LocaleSpecs
{
    private static readonly Dictionary<string, Dictionary<string, string>> s_locales = LocaleParser.LoadEmbedded();

    public static TheoryData<string> Languages() => [.. s_locales.Keys.Where(l => l != Localizer.DefaultLanguage)];

    [Fact]
    public void I_get_English_Russian_and_Ukrainian_at_least_embedded_in_the_binary()
    {
        Assert.Superset(new HashSet<string> { "en", "ru", "uk" }, s_locales.Keys.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_locale_has_every_key_English_has_and_no_other(string language)
    {
        // Act
        var (missing, extra) = Compare(s_locales["en"], s_locales[language]);

        // Assert
        Assert.True(missing.Count == 0, $"{language} misses {string.Join(", ", missing)}");
        Assert.True(extra.Count == 0, $"{language} has keys English lacks: {string.Join(", ", extra)}");
    }

    [Fact]
    public void The_completeness_check_catches_a_locale_missing_a_key()
    {
        // Arrange: a locale as a translator might leave it
        var partial = LocaleParser.Parse("""{"start":"Hola","lang":"Idioma"}"""u8, "xx");

        // Act
        var (missing, _) = Compare(s_locales["en"], partial);

        // Assert
        Assert.Contains("error_too_large", missing);
        Assert.DoesNotContain("start", missing);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_text_keeps_the_placeholders_of_its_English_text(string language)
    {
        foreach (var (key, english) in s_locales["en"])
        {
            var expected = Placeholders(english);
            var actual = Placeholders(s_locales[language].GetValueOrDefault(key, ""));
            Assert.True(expected.SetEquals(actual), $"{language}/{key}: {{{string.Join(",", actual)}}} instead of {{{string.Join(",", expected)}}}");
        }
    }

    [Fact]
    public void Every_text_is_safe_as_Telegram_HTML_and_nonempty()
    {
        foreach (var (language, texts) in s_locales)
        {
            foreach (var (key, text) in texts)
            {
                Assert.False(string.IsNullOrWhiteSpace(text), $"{language}/{key} is empty");
                // Texts carry no markup of their own: a stray <, > or & would break parse_mode HTML.
                Assert.True(text.IndexOfAny(['<', '>', '&']) < 0, $"{language}/{key} holds raw HTML characters");
            }
        }
    }

    [Theory]
    [InlineData(null, "ru", "ru")]
    [InlineData(null, "pt-br", "pt")]
    [InlineData(null, "uk_UA", "uk")]
    [InlineData(null, "de", "en")]
    [InlineData(null, null, "en")]
    [InlineData("uk", "ru", "uk")]
    [InlineData("xx", "es", "es")]
    public void I_get_the_language_I_chose_else_the_one_of_my_Telegram_app_else_English(string? chosen, string? code, string expected)
    {
        var localizer = new Localizer(s_locales, NullLogger.Instance);

        Assert.Equal(expected, localizer.LanguageFor(chosen, code));
    }

    [Fact]
    public void I_get_placeholders_filled_and_English_for_a_missing_text()
    {
        // Arrange
        var locales = new Dictionary<string, Dictionary<string, string>>
        {
            ["en"] = new() { ["greet"] = "Hi {name}, {name}!", ["only_en"] = "English" },
            ["ru"] = new() { ["greet"] = "Привет, {name}" },
        };
        var localizer = new Localizer(locales, NullLogger.Instance);

        // Act + Assert
        Assert.Equal("Hi Ann, Ann!", localizer.Text("en", "greet", ("name", "Ann")));
        Assert.Equal("Привет, Ann", localizer.Text("ru", "greet", ("name", "Ann")));
        Assert.Equal("English", localizer.Text("ru", "only_en"));
        Assert.Equal("no_such_key", localizer.Text("ru", "no_such_key"));
    }

    [Theory]
    [InlineData("""["a"]""")]
    [InlineData("""{"a":1}""")]
    [InlineData("""{"a":"x","a":"y"}""")]
    [InlineData("""{"a":"x" """)]
    public void I_get_an_error_naming_the_locale_for_a_malformed_file(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => LocaleParser.Parse(Encoding.UTF8.GetBytes(json), "zz"));

        Assert.Contains("zz", error.Message);
    }

    [Fact]
    public void The_language_keyboard_lists_English_first_then_the_others_by_their_own_names()
    {
        var localizer = new Localizer(s_locales, NullLogger.Instance);

        Assert.Equal("en", localizer.Languages[0]);
        Assert.Equal(["en", "ru", "uk"], localizer.Languages.Take(3));
        Assert.Equal("Українська", localizer.Text("uk", "language_name"));
    }

    private static (List<string> Missing, List<string> Extra) Compare(Dictionary<string, string> english, Dictionary<string, string> other) =>
        (english.Keys.Except(other.Keys).Order().ToList(), other.Keys.Except(english.Keys).Order().ToList());

    private static HashSet<string> Placeholders(string text) => [.. PlaceholderPattern().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex PlaceholderPattern();
}
