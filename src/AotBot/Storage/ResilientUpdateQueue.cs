namespace AotBot.Storage;

/// <summary>
/// The registered <see cref="IUpdateQueue"/>: the database's queue, and while the database is away (as
/// <see cref="ResilientBotStore"/> sees it, so one outage, one warning a minute) a queue in memory, so the bot
/// keeps answering. Updates taken in memory are marked not durable: the getUpdates offset stays below them until
/// they are finished, and Telegram delivers them again if the process dies first.
/// </summary>
internal sealed class ResilientUpdateQueue(SqlUpdateQueue database, ResilientBotStore outage, MemoryUpdateQueue memory) : IUpdateQueue
{
    public async Task<Enqueued> EnqueueAsync(IReadOnlyList<QueuedUpdate> updates, long newOffset, CancellationToken cancellationToken)
    {
        // One already held in memory from an outage is no news to the database either.
        var unseen = updates.Where(u => !memory.Holds(u.UpdateId)).ToList();
        var (ok, stored) = await outage.TryAsync(ct => database.EnqueueAsync(unseen, newOffset, ct), cancellationToken);
        return ok ? stored! : await memory.EnqueueAsync(unseen, newOffset, cancellationToken);
    }

    public async Task<IReadOnlyList<ClaimedUpdate>> ClaimAsync(string instance, int max, CancellationToken cancellationToken)
    {
        var held = await memory.ClaimAsync(instance, max, cancellationToken);
        if (held.Count >= max) return held;
        var (ok, claimed) = await outage.TryAsync(ct => database.ClaimAsync(instance, max - held.Count, ct), cancellationToken);
        return ok ? [.. held, .. claimed!] : held;
    }

    public Task ReleaseChatAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken) =>
        update.Durable
            ? outage.TryAsync(async ct => { await database.ReleaseChatAsync(update, instance, ct); return true; }, cancellationToken)
            : memory.ReleaseChatAsync(update, instance, cancellationToken);

    // A completion the database missed leaves the claim to expire: another instance (or this one) runs it again.
    public Task CompleteAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken) =>
        update.Durable
            ? outage.TryAsync(async ct => { await database.CompleteAsync(update, instance, ct); return true; }, cancellationToken)
            : memory.CompleteAsync(update, instance, cancellationToken);

    public async Task<bool> FailAsync(ClaimedUpdate update, string instance, string error, CancellationToken cancellationToken)
    {
        if (!update.Durable) return await memory.FailAsync(update, instance, error, cancellationToken);
        var (ok, parked) = await outage.TryAsync(ct => database.FailAsync(update, instance, error, ct), cancellationToken);
        return ok && parked;
    }

    public Task AbandonAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken) =>
        update.Durable
            ? outage.TryAsync(async ct => { await database.AbandonAsync(update, instance, ct); return true; }, cancellationToken)
            : memory.AbandonAsync(update, instance, cancellationToken);

    public async Task<int> HeartbeatAsync(string instance, CancellationToken cancellationToken)
    {
        var (ok, live) = await outage.TryAsync(ct => database.HeartbeatAsync(instance, ct), cancellationToken);
        return ok ? Math.Max(1, live) : 1;
    }

    public Task ReleaseAllClaimsAsync(CancellationToken cancellationToken) =>
        outage.TryAsync(async ct => { await database.ReleaseAllClaimsAsync(ct); return true; }, cancellationToken);

    public async Task<QueueCounts> CountsAsync(CancellationToken cancellationToken)
    {
        var held = await memory.CountsAsync(cancellationToken);
        var (ok, stored) = await outage.TryAsync(database.CountsAsync, cancellationToken);
        return ok ? stored! with { Depth = stored.Depth + held.Depth, Parked = stored.Parked + held.Parked } : held;
    }
}
