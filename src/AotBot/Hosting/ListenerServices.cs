using AotBot.Core;
using AotBot.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AotBot.Hosting;

internal static class ListenerServices
{
    /// <summary>The listener on <c>Http:Listen</c>, its health/readiness/metrics endpoints and <see cref="BotMetrics"/>.</summary>
    public static IServiceCollection AddListener(this IServiceCollection services)
    {
        // Http:Listen lives in HttpOptions (bound and validated on start by the Http layer); this checks its format.
        services.AddSingleton<IValidateOptions<HttpOptions>, ListenAddressValidator>();
        services.TryAddSingleton<BotMetrics>();
        services.TryAddSingleton<Readiness>();
        services.AddSingleton<IHttpEndpoint, HealthzEndpoint>();
        services.AddSingleton<IHttpEndpoint, ReadyzEndpoint>();
        services.AddSingleton<IHttpEndpoint, MetricsEndpoint>();
        services.AddSingleton<ListenerService>();
        services.AddHostedService(static provider => provider.GetRequiredService<ListenerService>());
        return services;
    }
}
