using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Http;

internal static class HttpServices
{
    public static IServiceCollection AddHttpLayer(this IServiceCollection services)
    {
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>();
        return services;
    }
}
