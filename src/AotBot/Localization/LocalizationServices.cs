using AotBot.Http;
using AotBot.Imaging;
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

    /// <summary>The error map of the typed errors every capability shares; sources add their own.</summary>
    internal static IEnumerable<ErrorKey> BuiltInErrorKeys() =>
    [
        new(typeof(AotBotException), ErrorMap.Fallback),
        new(typeof(UnsupportedLinkException), "link_error"),
        new(typeof(MediaDeletedException), "error_deleted"),
        new(typeof(MediaPrivateException), "error_private"),
        new(typeof(MediaRegionBlockedException), "error_region"),
        new(typeof(MediaUnavailableException), "error_deleted"),
        new(typeof(MediaAgeRestrictedException), "error_age_restricted"),
        new(typeof(RateLimitedException), "error_rate_limit"),
        new(typeof(NetworkException), "error_network"),
        new(typeof(MediaExtractionException), ErrorMap.Fallback),
        new(typeof(MediaTooLongException), "error_too_long"),
        new(typeof(MediaTooLargeException), "error_too_large"),
        new(typeof(SourceNotConfiguredException), "error_source_disabled"),
        new(typeof(ImageConversionException), ErrorMap.Fallback),
        new(typeof(HttpFetchException), "error_network"),
        new(typeof(HttpFetchException), "error_deleted", e => ((HttpFetchException)e).Failure == HttpFailure.NotFound),
        new(typeof(HttpFetchException), "error_rate_limit", e => ((HttpFetchException)e).Failure == HttpFailure.RateLimited),
        new(typeof(HttpFetchException), "error_too_large", e => ((HttpFetchException)e).Failure == HttpFailure.TooLarge),
        new(typeof(HttpFetchException), "error_network", e => ((HttpFetchException)e).Failure is HttpFailure.Forbidden or HttpFailure.NetworkError),
    ];
}
