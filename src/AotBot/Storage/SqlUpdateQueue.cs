using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace AotBot.Storage;

/// <summary>
/// <see cref="IUpdateQueue"/> on the <c>updates</c> table, the same SQL for both providers: PostgreSQL instances claim
/// side by side (<c>FOR UPDATE SKIP LOCKED</c>), SQLite claims through its one writer. A chat's next update is
/// claimable only while no earlier one of the chat is pending or claimed, so a chat is worked in order by one
/// instance at a time. Finished updates are pruned after <see cref="UpdateQueue.Retention"/>.
/// </summary>
internal sealed class SqlUpdateQueue(SqlBotStore store, TimeProvider time, ILogger<SqlUpdateQueue> logger) : IUpdateQueue
{
    internal static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    // Instances gone for this long are forgotten; a live one writes its row again within a heartbeat.
    private static readonly TimeSpan InstanceRetention = TimeSpan.FromDays(1);

    private long _nextPruneTicks;

    public Task<Enqueued> EnqueueAsync(IReadOnlyList<QueuedUpdate> updates, long newOffset, CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            var now = Now;
            var fresh = new List<long>(updates.Count);
            foreach (var update in updates)
            {
                // An update that could not be read is stored as done: its id is known, so a redelivery stays a no-op.
                var unreadable = update.Payload is null;
                await using var insert = write.Command("""
                    INSERT INTO updates (update_id, chat_id, payload, received_at_ms, state, lease_until_ms, attempts, finished_at_ms)
                    VALUES (@id, @chat, @payload, @now, @state, 0, 0, @finished)
                    ON CONFLICT (update_id) DO NOTHING
                    """)
                    .With("@id", update.UpdateId)
                    .With("@chat", update.ChatId)
                    .With("@payload", update.Payload)
                    .With("@now", now)
                    .With("@state", (int)(unreadable ? UpdateState.Done : UpdateState.Pending))
                    .With("@finished", unreadable ? now : null);
                if (await insert.ExecuteNonQueryAsync(ct) == 1) fresh.Add(update.UpdateId);
            }
            // Only forward: instances share the offset and may store batches out of order.
            await using var move = write.Command("UPDATE bot_state SET value = @offset WHERE key = 'update_offset' AND value < @offset")
                .With("@offset", newOffset);
            await move.ExecuteNonQueryAsync(ct);
            return new Enqueued(fresh, Durable: true);
        }, cancellationToken);

    public Task<IReadOnlyList<ClaimedUpdate>> ClaimAsync(string instance, int max, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<ClaimedUpdate>>(async (write, ct) =>
        {
            var now = Now;
            await ParkAbandonedAsync(write, instance, now, ct);
            await using var claim = write.Command($"""
                UPDATE updates SET state = 1, claimed_by = @me, lease_until_ms = @lease, attempts = attempts + 1
                WHERE update_id IN (
                    SELECT h.update_id FROM updates h
                    WHERE ((h.state = 0 AND h.lease_until_ms <= @now)
                           OR (h.state IN (1, 2) AND h.lease_until_ms < @now AND h.claimed_by <> @me))
                      AND NOT EXISTS (SELECT 1 FROM updates e WHERE e.chat_id = h.chat_id AND e.update_id < h.update_id AND e.state IN (0, 1))
                    ORDER BY h.update_id LIMIT @max
                    {store.Database.SkipLockedSql})
                RETURNING update_id, chat_id, payload, attempts
                """)
                .With("@me", instance)
                .With("@lease", now + (long)UpdateQueue.Lease.TotalMilliseconds)
                .With("@now", now)
                .With("@max", max);
            var claimed = await claim.ToListAsync<ClaimRow>(ct);
            return [.. claimed.OrderBy(c => c.Update.UpdateId).Select(c => c.Update)];
        }, cancellationToken);

    public Task ReleaseChatAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken) =>
        SetAsync(update, instance, "state = 2", cancellationToken);

    public async Task CompleteAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken)
    {
        var now = Now;
        await store.WriteAsync(async (write, ct) =>
        {
            await using var done = write.Command("""
                UPDATE updates SET state = 3, claimed_by = NULL, payload = NULL, finished_at_ms = @now
                WHERE update_id = @id AND claimed_by = @me
                """).With("@now", now).With("@id", update.UpdateId).With("@me", instance);
            await done.ExecuteNonQueryAsync(ct);
            if (PruneDue(now)) await PruneAsync(write, now, ct);
            return true;
        }, cancellationToken);
    }

    public Task<bool> FailAsync(ClaimedUpdate update, string instance, string error, CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            var now = Now;
            await using var fail = write.Command("""
                UPDATE updates SET
                    state = CASE WHEN attempts >= @max THEN 4 ELSE 0 END,
                    finished_at_ms = CASE WHEN attempts >= @max THEN @now ELSE NULL END,
                    claimed_by = NULL, lease_until_ms = @retry_at, error = @error
                WHERE update_id = @id AND claimed_by = @me
                RETURNING state
                """)
                .With("@max", UpdateQueue.MaxAttempts)
                .With("@now", now)
                .With("@retry_at", now + (long)UpdateQueue.RetryDelay.TotalMilliseconds)
                .With("@error", error)
                .With("@id", update.UpdateId)
                .With("@me", instance);
            return await fail.ScalarInt64Async(ct) == (int)UpdateState.Parked;
        }, cancellationToken);

    public Task AbandonAsync(ClaimedUpdate update, string instance, CancellationToken cancellationToken) =>
        SetAsync(update, instance, "state = 0, claimed_by = NULL, lease_until_ms = 0, attempts = attempts - 1", cancellationToken);

    public Task<int> HeartbeatAsync(string instance, CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            var now = Now;
            await using (var renew = write.Command("UPDATE updates SET lease_until_ms = @lease WHERE claimed_by = @me AND state IN (1, 2)"))
                await renew.With("@lease", now + (long)UpdateQueue.Lease.TotalMilliseconds).With("@me", instance).ExecuteNonQueryAsync(ct);
            await using (var seen = write.Command("""
                INSERT INTO instances (id, seen_at_ms) VALUES (@me, @now)
                ON CONFLICT (id) DO UPDATE SET seen_at_ms = excluded.seen_at_ms
                """))
                await seen.With("@me", instance).With("@now", now).ExecuteNonQueryAsync(ct);
            await using (var forget = write.Command("DELETE FROM instances WHERE seen_at_ms < @before"))
                await forget.With("@before", now - (long)InstanceRetention.TotalMilliseconds).ExecuteNonQueryAsync(ct);
            return (int)await LiveInstancesAsync(write.Command("SELECT COUNT(*) FROM instances WHERE seen_at_ms >= @since"), now, ct);
        }, cancellationToken);

    public Task ReleaseAllClaimsAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            await using var release = write.Command("UPDATE updates SET state = 0, claimed_by = NULL, lease_until_ms = 0 WHERE state IN (1, 2)");
            return await release.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<QueueCounts> CountsAsync(CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            await using var depth = connection.Command("SELECT COUNT(*) FROM updates WHERE state IN (0, 1, 2)");
            await using var parked = connection.Command("SELECT COUNT(*) FROM updates WHERE state = 4");
            var live = await LiveInstancesAsync(connection.Command("SELECT COUNT(*) FROM instances WHERE seen_at_ms >= @since"), Now, ct);
            return new QueueCounts(await depth.ScalarInt64Async(ct) ?? 0, await parked.ScalarInt64Async(ct) ?? 0, (int)live);
        }, cancellationToken);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static async Task<long> LiveInstancesAsync(DbCommand command, long now, CancellationToken cancellationToken)
    {
        await using (command)
            return await command.With("@since", now - (long)UpdateQueue.Lease.TotalMilliseconds).ScalarInt64Async(cancellationToken) ?? 0;
    }

    private Task SetAsync(ClaimedUpdate update, string instance, string set, CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            await using var command = write.Command($"UPDATE updates SET {set} WHERE update_id = @id AND claimed_by = @me")
                .With("@id", update.UpdateId).With("@me", instance);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>
    /// Updates whose every claim ended with its instance gone (a crash they may cause) are not claimed again. The
    /// instance's own claims are never taken over: it is alive, and its heartbeat was only late.
    /// </summary>
    private async Task ParkAbandonedAsync(SqlWrite write, string instance, long now, CancellationToken cancellationToken)
    {
        await using var park = write.Command("""
            UPDATE updates SET state = 4, claimed_by = NULL, finished_at_ms = @now,
                error = 'its instance stopped before finishing it, every attempt'
            WHERE state IN (1, 2) AND lease_until_ms < @now AND attempts >= @max AND claimed_by <> @me
            RETURNING update_id
            """).With("@now", now).With("@max", UpdateQueue.MaxAttempts).With("@me", instance);
        foreach (var id in await park.ToListAsync<IdRow>(cancellationToken))
            logger.UpdateParked(id.Id, UpdateQueue.MaxAttempts, "its instance stopped before finishing it");
    }

    private bool PruneDue(long now)
    {
        var next = Interlocked.Read(ref _nextPruneTicks);
        return now >= next
            && Interlocked.CompareExchange(ref _nextPruneTicks, now + (long)PruneInterval.TotalMilliseconds, next) == next;
    }

    private async Task PruneAsync(SqlWrite write, long now, CancellationToken cancellationToken)
    {
        await using var finished = write.Command("DELETE FROM updates WHERE state IN (3, 4) AND finished_at_ms < @cutoff")
            .With("@cutoff", now - (long)UpdateQueue.Retention.TotalMilliseconds);
        var count = await finished.ExecuteNonQueryAsync(cancellationToken);
        // Entries an older binary wrote can never be read again; newer ones belong to a newer instance.
        await using var stale = write.Command("DELETE FROM media_cache WHERE version < @version").With("@version", CachedMedia.CurrentVersion);
        await stale.ExecuteNonQueryAsync(cancellationToken);
        logger.Pruned(store.Database.Provider, count, (int)UpdateQueue.Retention.TotalHours);
    }

    private sealed record ClaimRow(ClaimedUpdate Update) : IDbRow<ClaimRow>
    {
        public static ClaimRow Map(DbDataReader reader) =>
            new(new ClaimedUpdate(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3)));
    }

    private sealed record IdRow(long Id) : IDbRow<IdRow>
    {
        public static IdRow Map(DbDataReader reader) => new(reader.GetInt64(0));
    }
}
