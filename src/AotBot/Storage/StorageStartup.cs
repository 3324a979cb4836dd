using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Storage;

/// <summary>
/// Migrates the schema before the bot starts taking updates. A database newer than this binary, or an SQLite file
/// that cannot be opened, stops the start with one line (exit 2, through the CLI's configuration-error path); a
/// PostgreSQL server that does not answer within <see cref="StartupWait"/> is logged and tried again on first use.
/// </summary>
internal sealed class StorageStartup(SqlBotStore store, SqlUpdateQueue queue, SingleInstanceLock instanceLock, ILogger<StorageStartup> logger)
    : IHostedService
{
    internal static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(StartupWait);
        var provider = store.Database.Provider;
        if (!instanceLock.TryTake())
            throw Refuse($"Storage: another aotbot is running on {instanceLock.Path}; SQLite serves one instance " +
                "(run several on PostgreSQL: AOTBOT_Storage__Provider=postgres)");
        try
        {
            await store.EnsureSchemaAsync(wait.Token);
            // The one process on this database: claims left in it are a dead process's, to be worked again now.
            if (instanceLock.Path is not null) await queue.ReleaseAllClaimsAsync(wait.Token);
        }
        catch (StorageSchemaTooNewException ex)
        {
            throw Refuse(ex.Message);
        }
        catch (Exception ex) when (ResilientBotStore.IsUnavailable(ex, cancellationToken))
        {
            if (store.Database.Embedded)
                throw Refuse($"Storage: cannot open the {provider} database ({ResilientBotStore.Describe(ex)}): check AOTBOT_Storage__ConnectionString");
            logger.UnreachableAtStart(provider, ResilientBotStore.Describe(ex));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;


    private static OptionsValidationException Refuse(string line) =>
        new(StorageOptions.Section, typeof(StorageOptions), [line]);
}
