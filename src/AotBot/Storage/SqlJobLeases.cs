namespace AotBot.Storage;

/// <summary>
/// Each user's jobs in progress on any instance, one row per job in the <c>jobs</c> table: taken when a job is
/// admitted, deleted when it ends, and leased like a claim so that the rows of an instance that died run out. The
/// lease is shorter than a claim's (<see cref="Lease"/>), so a dead instance's jobs are gone before its updates are
/// claimed again: a retried update is not refused for its own earlier attempt.
/// </summary>
internal sealed class SqlJobLeases(SqlBotStore store, TimeProvider time)
{
    /// <summary>A job row not renewed for this long belonged to a dead instance; renewed every heartbeat.</summary>
    public static readonly TimeSpan Lease = UpdateQueue.Lease - TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds a job of <paramref name="userId"/> for <paramref name="instance"/> when the user has fewer than
    /// <paramref name="max"/> jobs in progress on all instances; returns its row id, or null when the user is full.
    /// </summary>
    public Task<long?> TryStartAsync(string instance, long userId, int max, CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            var now = Now;
            // PostgreSQL: the count and the insert below are two statements; another instance admitting the same user
            // waits here until this transaction ends, so both never count the same rows. SQLite: the one writer.
            if (store.Database.UserLockSql is { } userLock)
            {
                await using var locked = write.Command(userLock).With("@user_key", UserKey(userId));
                await locked.ExecuteNonQueryAsync(ct);
            }
            await using (var expired = write.Command("DELETE FROM jobs WHERE user_id = @user AND lease_until_ms < @now"))
                await expired.With("@user", userId).With("@now", now).ExecuteNonQueryAsync(ct);
            await using var insert = write.Command("""
                INSERT INTO jobs (user_id, instance, started_at_ms, lease_until_ms)
                SELECT @user, @me, @now, @lease
                WHERE (SELECT COUNT(*) FROM jobs WHERE user_id = @user) < @max
                RETURNING id
                """)
                .With("@user", userId)
                .With("@me", instance)
                .With("@now", now)
                .With("@lease", now + (long)Lease.TotalMilliseconds)
                .With("@max", max);
            return await insert.ScalarInt64Async(ct);
        }, cancellationToken);

    public Task<int> EndAsync(long jobId, CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            await using var delete = write.Command("DELETE FROM jobs WHERE id = @id").With("@id", jobId);
            return await delete.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>
    /// Renews the leases of <paramref name="instance"/>'s jobs after deleting the rows of jobs it ended while the
    /// database was away (<paramref name="ended"/>), and forgets every row whose lease ran out (dead instances).
    /// </summary>
    public Task<int> RenewAsync(string instance, IReadOnlyCollection<long> ended, CancellationToken cancellationToken) =>
        store.WriteAsync(async (write, ct) =>
        {
            var now = Now;
            foreach (var id in ended)
            {
                await using var delete = write.Command("DELETE FROM jobs WHERE id = @id").With("@id", id);
                await delete.ExecuteNonQueryAsync(ct);
            }
            await using (var renew = write.Command("UPDATE jobs SET lease_until_ms = @lease WHERE instance = @me"))
                await renew.With("@lease", now + (long)Lease.TotalMilliseconds).With("@me", instance).ExecuteNonQueryAsync(ct);
            await using var expired = write.Command("DELETE FROM jobs WHERE lease_until_ms < @now").With("@now", now);
            return await expired.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>Jobs in progress of <paramref name="userId"/> on all instances (leases not run out).</summary>
    public Task<long> CountAsync(long userId, CancellationToken cancellationToken) =>
        store.ReadAsync(async (connection, ct) =>
        {
            await using var count = connection.Command("SELECT COUNT(*) FROM jobs WHERE user_id = @user AND lease_until_ms >= @now")
                .With("@user", userId).With("@now", Now);
            return await count.ScalarInt64Async(ct) ?? 0;
        }, cancellationToken);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // Users whose ids fold to the same key only take turns more often.
    private static int UserKey(long userId) => (int)(userId ^ (userId >>> 32));
}
