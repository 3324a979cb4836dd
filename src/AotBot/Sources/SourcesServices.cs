using AotBot.Core;
using AotBot.Sources.Instagram;
using AotBot.Sources.TikTok;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Sources;

internal static class SourcesServices
{
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        services.AddOptions<TikTokOptions>().BindConfiguration(TikTokOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TikTokOptions>, TikTokOptionsValidator>();
        services.AddOptions<InstagramOptions>().BindConfiguration(InstagramOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InstagramOptions>, InstagramOptionsValidator>();

        // Order matters only for links two sources would both claim; none do today.
        services.AddSingleton<TikTokCapture>();
        services.AddSingleton<IMediaSource, TikTokSource>();
        services.AddSingleton<InstagramKeyless>();
        services.AddSingleton<IMediaSource, InstagramSource>();
        services.AddSingleton<MediaSources>();
        services.AddSingleton<LinkFinder>();

        services.AddSingleton(new ErrorKey(typeof(InstagramNotFoundException), "error_instagram_not_found"));
        return services;
    }
}
