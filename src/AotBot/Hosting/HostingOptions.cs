using Microsoft.Extensions.Options;

namespace AotBot.Hosting;

/// <summary>Process-level settings (section <c>Hosting</c>).</summary>
public sealed record HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>How long in-flight work may run after SIGTERM/SIGINT before the host gives up on it.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);
}

// Hand-written: RangeAttribute over TimeSpan needs a TypeConverter, which is not trim-safe.
internal sealed class HostingOptionsValidator : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options) =>
        options.ShutdownTimeout >= TimeSpan.FromSeconds(1) && options.ShutdownTimeout <= TimeSpan.FromMinutes(10)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Hosting:ShutdownTimeout must be between 00:00:01 and 00:10:00: set AOTBOT_Hosting__ShutdownTimeout");
}
