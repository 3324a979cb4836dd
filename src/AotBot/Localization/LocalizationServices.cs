using AotBot.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Localization;

internal static class LocalizationServices
{
    public static IServiceCollection AddLocalization(this IServiceCollection services)
    {
        services.AddSingleton<Localizer>();
        services.AddSingleton<ErrorMap>();
        foreach (var key in BuiltInErrorKeys())
            services.AddSingleton(key);
        return services;
    }

    /// <summary>
    /// The error map of the typed errors every capability shares (the root namespace's); each capability adds its own
    /// (Http its failed requests, Imaging its conversions, sources theirs), so this layer knows none of them.
    /// </summary>
    internal static IEnumerable<ErrorKey> BuiltInErrorKeys() =>
    [
        new(typeof(AotBotException), ErrorKey.Fallback),
        new(typeof(UnsupportedLinkException), "link_error"),
        new(typeof(MediaDeletedException), "error_deleted"),
        new(typeof(MediaPrivateException), "error_private"),
        new(typeof(MediaRegionBlockedException), "error_region"),
        new(typeof(MediaUnavailableException), "error_deleted"),
        new(typeof(MediaAgeRestrictedException), "error_age_restricted"),
        new(typeof(RateLimitedException), "error_rate_limit"),
        new(typeof(NetworkException), "error_network"),
        new(typeof(MediaExtractionException), ErrorKey.Fallback),
        new(typeof(MediaTooLongException), "error_too_long"),
        new(typeof(MediaTooLargeException), "error_too_large"),
        new(typeof(SourceNotConfiguredException), "error_source_disabled"),
    ];
}
