using AotBot.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AotBot.Storage;

internal static class StorageServices
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageConnectionStringValidator>();
        services.AddSingleton(sp => SqlDatabase.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<SqlBotStore>();
        services.AddSingleton<ResilientBotStore>();
        services.AddSingleton<IBotStore>(provider => provider.GetRequiredService<ResilientBotStore>());
        services.AddSingleton<SqlUpdateQueue>();
        services.AddSingleton<MemoryUpdateQueue>();
        services.AddSingleton<IUpdateQueue, ResilientUpdateQueue>();
        services.AddSingleton<SingleInstanceLock>();
        services.AddSingleton<PollerElection>();
        services.AddSingleton(InstanceName.New());
        services.AddSingleton<SqlJobLeases>();
        // Counted in the store only where several instances may share it; one SQLite process counts in memory.
        services.AddSingleton<IUserJobs>(provider => provider.GetRequiredService<SqlDatabase>().InstanceLockPath is null
            ? ActivatorUtilities.CreateInstance<SharedUserJobs>(provider)
            : new MemoryUserJobs());
        services.AddSingleton<IReadinessCheck, StorageReadinessCheck>();
        // Registered before the Telegram services, so the schema is ready before the first update is taken.
        services.AddHostedService<StorageStartup>();
        return services;
    }
}
