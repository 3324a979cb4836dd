using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Sources;

internal static class SourcesServices
{
    public static IServiceCollection AddSources(this IServiceCollection services)
    {
        return services;
    }
}
