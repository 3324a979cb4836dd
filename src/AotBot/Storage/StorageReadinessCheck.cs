using AotBot.Core;

namespace AotBot.Storage;

/// <summary>
/// <c>/readyz</c> line <c>storage</c>: the update queue counted on a pooled connection (updates queued, parked, instances
/// live). The bot keeps answering without its database (<see cref="ResilientBotStore"/>), but without settings, cache,
/// deduplication or a durable queue, so a load balancer should prefer an instance that has it.
/// </summary>
internal sealed class StorageReadinessCheck(SqlDatabase database, SqlUpdateQueue queue) : IReadinessCheck
{
    public string Name => "storage";

    public async ValueTask<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var counts = await queue.CountsAsync(cancellationToken);
            return ReadinessResult.Ready(
                $"{database.Provider}, {counts.Depth} updates queued, {counts.Parked} parked, {counts.LiveInstances} instances live");
        }
        catch (Exception ex) when (ResilientBotStore.IsUnavailable(ex, cancellationToken))
        {
            return ReadinessResult.NotReady($"{database.Provider} unreachable ({ResilientBotStore.Describe(ex)})");
        }
    }
}
