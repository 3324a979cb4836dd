using AotBot.Storage;

namespace AotBot.Tests.Storage;

/// <summary>
/// The users' jobs in progress (<c>Limits:MaxJobsPerUser</c> across instances), on both providers: each store is one
/// bot instance with its own connections, all on one database.
/// </summary>
public abstract partial class BotStoreSpecs
{
    private async Task<SqlJobLeases[]> JobInstancesAsync(int count)
    {
        var stores = Enumerable.Range(0, count).Select(_ => NewStore()).ToArray();
        await stores[0].EnsureSchemaAsync(default);
        return [.. stores.Select(s => new SqlJobLeases(s, Time))];
    }

    private async Task<(SqlJobLeases A, SqlJobLeases B)> TwoJobInstancesAsync()
    {
        var instances = await JobInstancesAsync(2);
        return (instances[0], instances[1]);
    }

    [DatabaseFact]
    public async Task A_user_at_the_limit_on_one_instance_gets_no_job_on_another_until_one_ends()
    {
        // Arrange
        var (a, b) = await TwoJobInstancesAsync();
        var first = await a.TryStartAsync("a", 7, max: 2, default);
        var second = await a.TryStartAsync("a", 7, max: 2, default);

        // Act
        var refused = await b.TryStartAsync("b", 7, max: 2, default);
        var otherUser = await b.TryStartAsync("b", 8, max: 2, default);
        await a.EndAsync(first!.Value, default);
        var afterOneEnded = await b.TryStartAsync("b", 7, max: 2, default);
        var fullAgain = await a.TryStartAsync("a", 7, max: 2, default);

        // Assert
        Assert.NotNull(second);
        Assert.Null(refused);
        Assert.NotNull(otherUser);
        Assert.NotNull(afterOneEnded);
        Assert.Null(fullAgain);
        Assert.Equal(2, await a.CountAsync(7, default));
    }

    [DatabaseFact]
    public async Task Instances_admitting_one_user_at_the_same_moment_never_pass_the_limit_together()
    {
        // Arrange: four instances, 40 admissions of one user at once, limit 3
        var instances = await JobInstancesAsync(4);

        // Act
        var started = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            instances[i % 4].TryStartAsync($"instance-{i % 4}", 42, max: 3, default))));

        // Assert
        Assert.Equal(3, started.Count(id => id is not null));
        Assert.Equal(3, await instances[0].CountAsync(42, default));
    }

    [DatabaseFact]
    public async Task The_jobs_of_an_instance_that_stopped_renewing_them_run_out_and_a_live_one_keeps_its_own()
    {
        // Arrange: a (dies) and b (alive) each hold a job of user 5, limit 2
        var (a, b) = await TwoJobInstancesAsync();
        await a.TryStartAsync("a", 5, max: 2, default);
        await b.TryStartAsync("b", 5, max: 2, default);

        // Act: b renews on its heartbeat, a does not
        Time.Advance(SqlJobLeases.Lease / 2);
        await b.RenewAsync("b", [], default);
        var whileBothLive = await b.TryStartAsync("b", 5, max: 2, default);
        Time.Advance(SqlJobLeases.Lease / 2 + TimeSpan.FromSeconds(1));
        var expired = await b.RenewAsync("b", [], default);
        var afterExpiry = await b.TryStartAsync("b", 5, max: 2, default);

        // Assert: a's row went; b's renewed row still counts, so one place was free again
        Assert.Null(whileBothLive);
        Assert.Equal(1, expired);
        Assert.NotNull(afterExpiry);
        Assert.Equal(["b", "b"], (await QueryAsync("SELECT instance FROM jobs WHERE user_id = 5")).Select(r => (string)r[0]!));
    }

    [DatabaseFact]
    public async Task A_job_row_is_shorter_lived_than_a_claim_so_a_dead_instances_update_is_not_refused_for_its_own_job()
    {
        // Arrange: the job was admitted a little after the update was claimed
        var (a, b) = await TwoJobInstancesAsync();
        Time.Advance(TimeSpan.FromSeconds(2));
        await a.TryStartAsync("a", 9, max: 1, default);

        // Act: the claim's lease (taken 2 s earlier) runs out; another instance runs the update again
        Time.Advance(UpdateQueue.Lease - TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(1));
        var retried = await b.TryStartAsync("b", 9, max: 1, default);

        // Assert
        Assert.NotNull(retried);
    }

    [DatabaseFact]
    public async Task A_job_that_ended_while_the_database_was_away_has_its_row_deleted_on_the_next_heartbeat()
    {
        // Arrange
        var a = (await JobInstancesAsync(1))[0];
        var ended = await a.TryStartAsync("a", 3, max: 1, default);
        var running = await a.TryStartAsync("a", 4, max: 1, default);

        // Act
        await a.RenewAsync("a", [ended!.Value], default);

        // Assert
        Assert.Equal(0, await a.CountAsync(3, default));
        Assert.Equal(1, await a.CountAsync(4, default));
        Assert.NotNull(running);
    }
}
