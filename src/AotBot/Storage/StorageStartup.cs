using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AotBot.Storage;

/// <summary>
/// Migrates the schema before the bot starts taking updates. A database newer than this binary, or an SQLite file
/// that cannot be opened, stops the start with one line (exit 2, through the CLI's configuration-error path); a
/// PostgreSQL server that does not answer within <see cref="StartupWait"/> is logged and tried again on first use.
/// </summary>
internal sealed class StorageStartup(SqlBotStore store, ILogger<StorageStartup> logger) : IHostedService
{
    internal static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(StartupWait);
        var provider = store.Database.Provider;
        try
        {
            await store.EnsureSchemaAsync(wait.Token);
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
