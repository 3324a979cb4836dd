using Microsoft.Extensions.DependencyInjection;

namespace AotBot.Localization;

internal static class LocalizationServices
{
    public static IServiceCollection AddLocalization(this IServiceCollection services)
    {
        return services;
    }
}
