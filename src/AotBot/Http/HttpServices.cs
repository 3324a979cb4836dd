using AotBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

internal static class HttpServices
{
    public static IServiceCollection AddHttpLayer(this IServiceCollection services)
    {
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>();
        services.AddSingleton<IValidateOptions<HttpOptions>, HttpOptionsChecks>();
        services.AddSingleton<HostOverrides>();
        services.AddSingleton<AddressGuard>();
        services.AddSingleton<ProxyPool>();
        services.AddSingleton<HttpHandlers>();
        services.AddSingleton(_ => new Backoff(Random.Shared));
        services.AddSingleton<HttpRequestRunner>();
        services.AddSingleton<IWebClient, WebClient>();
        services.TryAddSingleton<BotMetrics>();
        services.TryAddSingleton<MemoryBudget>();
        services.TryAddSingleton<IdleTrimmer>();
        services.AddSingleton<MediaMemory>();
        services.AddSingleton<IMediaDownloader, MediaDownloader>();
        services.AddHostedService<StaleTempFiles>();
        services.AddSingleton<TelegramHttpClient>();
        return services;
    }
}
