using AotBot.Storage;

namespace AotBot.Tests.Storage;

/// <summary>
/// The update queue, on both providers: each store is one bot instance (its own connections), all on one database.
/// </summary>
public abstract partial class BotStoreSpecs
{
    private static readonly TimeSpan JustPastLease = UpdateQueue.Lease + TimeSpan.FromSeconds(1);

    private async Task<(SqlUpdateQueue A, SqlUpdateQueue B)> TwoInstancesAsync()
    {
        var (a, b) = (NewStore(), NewStore());
        await a.EnsureSchemaAsync(default);
        return (QueueOf(a), QueueOf(b));
    }

    private static long[] Ids(IEnumerable<ClaimedUpdate> claimed) => [.. claimed.Select(c => c.UpdateId)];

    private async Task<object?[]> RowAsync(long updateId) =>
        Assert.Single(await QueryAsync($"SELECT state, attempts, error, claimed_by FROM updates WHERE update_id = {updateId}"));

    [DatabaseFact]
    public async Task I_can_store_an_update_once_and_a_duplicate_id_from_another_instance_is_a_no_op()
    {
        // Arrange
        var (a, b) = await TwoInstancesAsync();

        // Act
        var first = await EnqueueAsync(a, (1, 100), (2, 100));
        var again = await EnqueueAsync(b, (2, 100), (3, 200));
        var stale = await EnqueueAsync(b, (1, 100));
        var unreadable = await a.EnqueueAsync([new QueuedUpdate(4, 0, null)], 5, default);

        // Assert
        Assert.Equal([1L, 2L], first.Fresh);
        Assert.Equal([3L], again.Fresh);
        Assert.Empty(stale.Fresh);
        Assert.Equal([4L], unreadable.Fresh);
        Assert.True(first.Durable);
        Assert.Equal(3, Convert.ToInt64((await QueryAsync("SELECT COUNT(*) FROM updates WHERE state = 0"))[0][0]));
        Assert.Equal((long)UpdateState.Done, Convert.ToInt64((await RowAsync(4))[0]));
        // The offset only moves forward, whoever stores last.
        Assert.Equal(5, await NewStore().GetUpdateOffsetAsync(default));
    }

    [DatabaseFact]
    public async Task I_can_claim_a_chat_s_updates_only_in_order_and_one_at_a_time_across_instances()
    {
        // Arrange
        var (a, b) = await TwoInstancesAsync();
        await EnqueueAsync(a, (10, 100), (11, 100), (12, 100), (20, 200));

        // Act
        var firstA = await a.ClaimAsync("a", 10, default);
        var whileHeld = await b.ClaimAsync("b", 10, default);
        await a.ReleaseChatAsync(firstA[0], "a", default);
        var afterRelease = await b.ClaimAsync("b", 10, default);
        var whileSecondHeld = await a.ClaimAsync("a", 10, default);

        // Assert
        Assert.Equal([10L, 20L], Ids(firstA));
        Assert.Empty(whileHeld);
        Assert.Equal([11L], Ids(afterRelease));
        Assert.Empty(whileSecondHeld);
        Assert.Equal(1, firstA[0].Attempt);
        Assert.Equal("""{"update_id":10}""", firstA[0].Payload);
    }

    [DatabaseFact]
    public async Task I_can_claim_other_chats_while_one_is_held_and_instances_claiming_together_never_share_an_update()
    {
        // Arrange: 40 chats of 5 updates each, claimed by 4 instances at once until all are done.
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToArray();
        await stores[0].EnsureSchemaAsync(default);
        var queues = stores.Select(QueueOf).ToArray();
        await EnqueueAsync(queues[0], [.. Enumerable.Range(0, 200).Select(i => ((long)i + 1, (long)(i % 40)))]);
        var claimedBy = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
        var chatOrder = new System.Collections.Concurrent.ConcurrentQueue<(long Chat, long Id)>();
        var holding = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
        var overlaps = 0;

        // Act
        await Task.WhenAll(queues.Select((queue, n) => Task.Run(async () =>
        {
            var me = $"instance-{n}";
            for (var round = 0; round < 400 && claimedBy.Count < 200; round++)
            {
                foreach (var claim in await queue.ClaimAsync(me, 8, default))
                {
                    if (!claimedBy.TryAdd(claim.UpdateId, me)) Interlocked.Increment(ref overlaps);
                    if (!holding.TryAdd(claim.ChatId, me)) Interlocked.Increment(ref overlaps);
                    chatOrder.Enqueue((claim.ChatId, claim.UpdateId));
                    holding.TryRemove(claim.ChatId, out _);
                    await queue.ReleaseChatAsync(claim, me, default);
                    await queue.CompleteAsync(claim, me, default);
                }
            }
        })));

        // Assert
        Assert.Equal(0, overlaps);
        Assert.Equal(200, claimedBy.Count);
        foreach (var chat in chatOrder.GroupBy(c => c.Chat))
            Assert.Equal(chat.Select(c => c.Id).Order(), chat.Select(c => c.Id));
        Assert.Equal(0, (await queues[1].CountsAsync(default)).Depth);
    }

    [DatabaseFact]
    public async Task A_claim_whose_instance_stopped_renewing_its_lease_is_taken_over_by_another_instance()
    {
        // Arrange
        var (a, b) = await TwoInstancesAsync();
        await EnqueueAsync(a, (1, 100), (2, 100));
        var held = Assert.Single(await a.ClaimAsync("a", 10, default));

        // Act: a renews its lease once, then stops renewing it.
        Time.Advance(UpdateQueue.Lease - TimeSpan.FromSeconds(1));
        await a.HeartbeatAsync("a", default);
        Time.Advance(UpdateQueue.Lease - TimeSpan.FromSeconds(1));
        var whileRenewed = await b.ClaimAsync("b", 10, default);
        Time.Advance(TimeSpan.FromSeconds(2));
        var ownExpired = await a.ClaimAsync("a", 10, default);
        var taken = Assert.Single(await b.ClaimAsync("b", 10, default));
        await a.CompleteAsync(held, "a", default);
        var lateCompletion = await RowAsync(1);
        await b.CompleteAsync(taken, "b", default);
        var next = await b.ClaimAsync("b", 10, default);

        // Assert
        Assert.Empty(whileRenewed);
        Assert.Equal(1, taken.UpdateId);
        Assert.Equal(2, taken.Attempt);
        Assert.Equal((long)UpdateState.Claimed, Convert.ToInt64(lateCompletion[0]));
        Assert.Equal("b", lateCompletion[3]);
        Assert.Equal([2L], Ids(next));
        // An instance alive enough to claim does not take over its own late claim (it would run it twice).
        Assert.Empty(ownExpired);
    }

    [DatabaseFact]
    public async Task An_update_that_failed_three_times_is_parked_with_its_error_and_its_chat_goes_on()
    {
        // Arrange
        var queue = QueueOf(NewStore());
        await EnqueueAsync(queue, (1, 100), (2, 100));
        var parkedAt = new List<bool>();

        // Act
        for (var attempt = 1; attempt <= UpdateQueue.MaxAttempts; attempt++)
        {
            var claim = Assert.Single(await queue.ClaimAsync("a", 10, default));
            Assert.Equal((1L, attempt), (claim.UpdateId, claim.Attempt));
            parkedAt.Add(await queue.FailAsync(claim, "a", $"InvalidOperationException: boom {attempt}", default));
            // A failed update waits before it is tried again, and holds its chat meanwhile.
            if (attempt < UpdateQueue.MaxAttempts) Assert.Empty(await queue.ClaimAsync("a", 10, default));
            Time.Advance(UpdateQueue.RetryDelay);
        }
        var next = await queue.ClaimAsync("a", 10, default);

        // Assert
        Assert.Equal([false, false, true], parkedAt);
        var row = await RowAsync(1);
        Assert.Equal((long)UpdateState.Parked, Convert.ToInt64(row[0]));
        Assert.Equal("InvalidOperationException: boom 3", row[2]);
        Assert.Equal([2L], Ids(next));
        Assert.Equal(1, (await queue.CountsAsync(default)).Parked);
    }

    [DatabaseFact]
    public async Task An_update_whose_instance_died_during_each_of_three_claims_is_parked_not_claimed_again()
    {
        // Arrange
        var queue = QueueOf(NewStore());
        await EnqueueAsync(queue, (1, 100));

        // Act: three instances each claim it and vanish.
        var claims = new List<int>();
        for (var n = 0; n < UpdateQueue.MaxAttempts; n++)
        {
            claims.Add(Assert.Single(await queue.ClaimAsync($"doomed-{n}", 10, default)).Attempt);
            Time.Advance(JustPastLease);
        }
        var afterwards = await queue.ClaimAsync("survivor", 10, default);

        // Assert
        Assert.Equal([1, 2, 3], claims);
        Assert.Empty(afterwards);
        Assert.Equal((long)UpdateState.Parked, Convert.ToInt64((await RowAsync(1))[0]));
        Assert.Contains("Update 1 is parked after 3 attempts: its instance stopped before finishing it", Logs.WithId(6007));
    }

    [DatabaseFact]
    public async Task Stopping_puts_a_claim_back_without_counting_it_and_a_restart_on_the_database_frees_a_dead_run_s_claims()
    {
        // Arrange
        var queue = QueueOf(NewStore());
        await EnqueueAsync(queue, (1, 100), (2, 200));
        var claimed = await queue.ClaimAsync("a", 10, default);

        // Act
        await queue.AbandonAsync(claimed[0], "a", default);
        await queue.ReleaseChatAsync(claimed[1], "a", default);
        await queue.ReleaseAllClaimsAsync(default);
        var again = await queue.ClaimAsync("b", 10, default);

        // Assert
        Assert.Equal([1L, 2L], Ids(again));
        Assert.Equal([1, 2], again.Select(c => c.Attempt));
    }

    [DatabaseFact]
    public async Task I_can_count_the_queue_the_parked_updates_and_the_live_instances()
    {
        // Arrange
        var (a, b) = await TwoInstancesAsync();
        await EnqueueAsync(a, (1, 100), (2, 200), (3, 300));
        await a.CompleteAsync(Assert.Single(await a.ClaimAsync("a", 1, default)), "a", default);

        // Act
        var both = (await a.HeartbeatAsync("a", default), await b.HeartbeatAsync("b", default));
        Time.Advance(JustPastLease);
        var alone = await a.HeartbeatAsync("a", default);
        var counts = await b.CountsAsync(default);

        // Assert
        Assert.Equal((1, 2), both);
        Assert.Equal(1, alone);
        Assert.Equal(new QueueCounts(Depth: 2, Parked: 0, LiveInstances: 1), counts);
    }

    [DatabaseFact]
    public async Task I_can_see_finished_updates_and_stale_cache_entries_pruned_after_48_hours()
    {
        // Arrange
        var store = NewStore();
        var queue = QueueOf(store);
        async Task FinishAsync(long id)
        {
            await EnqueueAsync(queue, (id, id));
            await queue.CompleteAsync(Assert.Single(await queue.ClaimAsync("a", 1, default)), "a", default);
        }
        await FinishAsync(1);
        await store.SaveCachedMediaAsync(Slideshow("old", CachedMedia.CurrentVersion - 1), default);
        await store.SaveCachedMediaAsync(Slideshow("current"), default);
        Time.Advance(TimeSpan.FromHours(47));
        await FinishAsync(2);

        // Act
        Time.Advance(TimeSpan.FromHours(2));
        await FinishAsync(3);

        // Assert
        var kept = (await QueryAsync("SELECT update_id FROM updates ORDER BY update_id")).Select(r => Convert.ToInt64(r[0]));
        Assert.Equal([2L, 3L], kept);
        Assert.Equal(4, await store.GetUpdateOffsetAsync(default));
        Assert.Equal("current", Assert.Single(await QueryAsync("SELECT post_id FROM media_cache"))[0]);
        Assert.Contains($"Storage {Provider}: pruned 1 finished updates older than 48 h", Logs.WithId(6006));
    }

    [DatabaseFact]
    public async Task One_instance_polls_and_when_its_connection_dies_another_takes_over()
    {
        // Arrange: three instances; on SQLite the one instance always polls.
        var elections = Enumerable.Range(0, 3).Select(_ => new PollerElection(OpenDatabaseTracked(), Logs.For<PollerElection>())).ToArray();
        try
        {
            // Act
            var first = await Task.WhenAll(elections.Select(e => e.TryLeadAsync(default)));
            if (Provider == "sqlite")
            {
                Assert.All(first, Assert.True);
                return;
            }
            var poller = Array.IndexOf(first, true);
            // The poller's process dies: the server ends its session (as it does when the socket closes). Only this
            // schema's poller: other specs' bots share the server.
            await ExecuteAsync($"""
                SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 268269 AND objsubid = 2
                AND objid = ({PostgresDatabase.SchemaLockKey})::oid AND granted
                """);
            var pollerStill = await elections[poller].TryLeadAsync(default);
            // The server drops the lock once the ended session is gone: a moment, well within the instances' retry.
            var next = new bool[3];
            for (var attempt = 0; attempt < 50 && !next.Contains(true); attempt++)
            {
                await Task.Delay(100);
                next = await Task.WhenAll(elections.Select(e => e.TryLeadAsync(default)));
            }

            // Assert
            Assert.Single(first, true);
            Assert.False(pollerStill);
            Assert.Single(next, true);
            Assert.Contains(Logs.WithId(6010), line => line.StartsWith("Storage postgres: the connection holding the poller lock is gone"));
        }
        finally
        {
            foreach (var election in elections) await election.DisposeAsync();
        }
    }

    private SqlDatabase OpenDatabaseTracked()
    {
        var database = OpenDatabase();
        _open.Add(database);
        return database;
    }
}
