using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AotBot.Storage;

/// <summary>Where settings, offsets and the file_id cache live (section <c>Storage</c>).</summary>
public sealed record StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (embedded, default) or <c>postgres</c>.</summary>
    [RegularExpression("^(sqlite|postgres)$",
        ErrorMessage = "Storage:Provider must be sqlite or postgres: set AOTBOT_Storage__Provider")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>ADO.NET connection string for the provider.</summary>
    [Required(ErrorMessage = "Storage:ConnectionString is required: set AOTBOT_Storage__ConnectionString")]
    public string ConnectionString { get; set; } = "Data Source=aotbot.db";
}

[OptionsValidator]
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;

/// <summary>Checks that the connection string parses for the chosen provider and names a database.</summary>
internal sealed class StorageConnectionStringValidator : IValidateOptions<StorageOptions>
{
    private const string Fix = ": set AOTBOT_Storage__ConnectionString";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString)) return ValidateOptionsResult.Skip;
        try
        {
            return options.Provider switch
            {
                "sqlite" => ValidateSqlite(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString)),
                "postgres" => ValidatePostgres(new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString)),
                _ => ValidateOptionsResult.Skip,
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // The parsers name the keyword at fault; a password is never parsed, so it never shows.
            return ValidateOptionsResult.Fail($"Storage:ConnectionString is not a valid {options.Provider} connection string ({ex.Message}){Fix}");
        }
    }

    private static ValidateOptionsResult ValidateSqlite(Microsoft.Data.Sqlite.SqliteConnectionStringBuilder builder) =>
        // An in-memory or temporary database would forget everything at exit, and differ between pooled connections.
        builder.DataSource.Length == 0 || builder.DataSource == ":memory:" || builder.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory
            ? ValidateOptionsResult.Fail("Storage:ConnectionString must name an SQLite file (Data Source=<path>)" + Fix)
            : ValidateOptionsResult.Success;

    private static ValidateOptionsResult ValidatePostgres(Npgsql.NpgsqlConnectionStringBuilder builder) =>
        string.IsNullOrEmpty(builder.Host)
            ? ValidateOptionsResult.Fail("Storage:ConnectionString must name a PostgreSQL server (Host=...;Database=...;Username=...)" + Fix)
            : ValidateOptionsResult.Success;
}
