using AotBot.Hosting;

namespace AotBot.Storage;

/// <summary>
/// <c>/readyz</c> line <c>storage</c>: one <c>SELECT 1</c> on a pooled connection. The bot keeps answering without
/// its database (<see cref="ResilientBotStore"/>), but without settings, cache or deduplication, so a load balancer
/// should prefer an instance that has it.
/// </summary>
internal sealed class StorageReadinessCheck(SqlDatabase database) : IReadinessCheck
{
    public string Name => "storage";

    public async ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.Command("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return ReadinessResult.Ready(database.Provider);
        }
        catch (Exception ex) when (ResilientBotStore.IsUnavailable(ex, cancellationToken))
        {
            return ReadinessResult.NotReady($"{database.Provider} unreachable ({ResilientBotStore.Describe(ex)})");
        }
    }
}
