using AotBot.Core;
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
        foreach (var key in ErrorKeys())
            services.AddSingleton(key);
        return services;
    }

    /// <summary>What the user reads when a request failed: the kind of failure decides.</summary>
    internal static IEnumerable<ErrorKey> ErrorKeys() =>
    [
        new(typeof(HttpFetchException), "error_network"),
        new(typeof(HttpFetchException), "error_deleted", e => ((HttpFetchException)e).Failure == HttpFailure.NotFound),
        new(typeof(HttpFetchException), "error_rate_limit", e => ((HttpFetchException)e).Failure == HttpFailure.RateLimited),
        new(typeof(HttpFetchException), "error_too_large", e => ((HttpFetchException)e).Failure == HttpFailure.TooLarge),
        new(typeof(HttpFetchException), "error_network", e => ((HttpFetchException)e).Failure is HttpFailure.Forbidden or HttpFailure.NetworkError),
    ];
}
