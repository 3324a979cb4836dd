using System.Globalization;
using System.Reflection;
using AotBot.Core;
using AotBot.Hosting;

namespace AotBot.Tests.Hosting;

/// <summary>The settings catalogue (--help, check-config, README) must say what the option records really do.</summary>
public sealed class SettingsSpecs
{
    public static TheoryData<string> CatalogueKeys()
    {
        var data = new TheoryData<string>();
        foreach (var setting in Settings.All.Where(s => !s.Key.StartsWith("Logging:") && !s.Key.Contains('<')))
            data.Add(setting.Key);
        return data;
    }

    [Theory]
    [MemberData(nameof(CatalogueKeys))]
    public void Each_catalogued_default_is_the_option_records_default(string key)
    {
        // Arrange
        var setting = Settings.All.Single(s => s.Key == key);
        var parts = key.Split(':');
        var optionsType = typeof(Settings).Assembly.GetTypes().SingleOrDefault(t => t.Name == parts[0] + "Options" && t.IsPublic)
            ?? throw new InvalidOperationException($"No public {parts[0]}Options record for {key}");
        var property = optionsType.GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{optionsType.Name} has no property {parts[1]} for {key}");

        // Act
        var value = property.GetValue(Activator.CreateInstance(optionsType));

        // Assert
        Assert.Equal(setting.Default, Format(value));
    }

    [Fact]
    public void Every_setting_is_in_the_README_with_its_environment_name()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

        var missing = Settings.All.Where(s => !readme.Contains(s.Key) || !readme.Contains(s.EnvironmentName)).Select(s => s.Key).ToList();

        Assert.Empty(missing);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        string s => s,
        System.Collections.IEnumerable e when !e.Cast<object>().Any() => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
