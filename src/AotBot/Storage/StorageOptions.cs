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
