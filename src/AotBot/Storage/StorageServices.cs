using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Storage;

internal static class StorageServices
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IBotStore, InMemoryBotStore>();
        return services;
    }
}
