using System.Collections.Concurrent;

namespace AotBot.Storage;

/// <summary>This process in the store's claims, job rows and heartbeats: host, process id and a random part.</summary>
internal sealed record InstanceName(string Value)
{
    public static InstanceName New() =>
        new($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");
}

/// <summary>One admitted job of a user: its row in the <c>jobs</c> table, or null when it was counted in memory.</summary>
internal sealed record UserJob(long UserId, long? RowId);

/// <summary>How many jobs each user has in progress (<c>Limits:MaxJobsPerUser</c>).</summary>
internal interface IUserJobs
{
    /// <summary>A new job of the user when they have fewer than <paramref name="max"/> in progress, else null.</summary>
    ValueTask<UserJob?> TryStartAsync(long userId, int max, CancellationToken cancellationToken);

    ValueTask EndAsync(UserJob job);

    /// <summary>Keeps this instance's jobs alive in the store; called with the instance's heartbeat.</summary>
    Task RenewAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The count in this process's memory: exact with one instance, which SQLite guarantees (a second process on the
/// file refuses to start), and free of any write per job.
/// </summary>
internal sealed class MemoryUserJobs : IUserJobs
{
    private readonly ConcurrentDictionary<long, int> _perUser = new();

    public ValueTask<UserJob?> TryStartAsync(long userId, int max, CancellationToken cancellationToken) => new(TryStart(userId, max));

    public UserJob? TryStart(long userId, int max)
    {
        while (true)
        {
            var current = _perUser.GetOrAdd(userId, 0);
            if (current >= max) return null;
            if (_perUser.TryUpdate(userId, current + 1, current)) return new UserJob(userId, RowId: null);
        }
    }

    public ValueTask EndAsync(UserJob job)
    {
        while (true)
        {
            if (!_perUser.TryGetValue(job.UserId, out var current)) return ValueTask.CompletedTask;
            if (current <= 1)
            {
                if (_perUser.TryRemove(new KeyValuePair<long, int>(job.UserId, current))) return ValueTask.CompletedTask;
            }
            else if (_perUser.TryUpdate(job.UserId, current - 1, current)) return ValueTask.CompletedTask;
        }
    }

    public Task RenewAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The count shared by every instance on one PostgreSQL: a row per job in the store (<see cref="SqlJobLeases"/>).
/// While the database is away (as <see cref="ResilientBotStore"/> sees it) jobs are counted in memory, so the limit
/// holds per instance until it is back; a job that ended then has its row deleted at the next heartbeat.
/// </summary>
internal sealed class SharedUserJobs(SqlJobLeases leases, ResilientBotStore outage, InstanceName instance) : IUserJobs
{
    private readonly MemoryUserJobs _memory = new();
    private readonly ConcurrentDictionary<long, byte> _unended = new();

    public async ValueTask<UserJob?> TryStartAsync(long userId, int max, CancellationToken cancellationToken)
    {
        var (ok, row) = await outage.TryAsync(ct => leases.TryStartAsync(instance.Value, userId, max, ct), cancellationToken);
        if (!ok) return _memory.TryStart(userId, max);
        return row is { } id ? new UserJob(userId, id) : null;
    }

    public async ValueTask EndAsync(UserJob job)
    {
        if (job.RowId is not { } id)
        {
            await _memory.EndAsync(job);
            return;
        }
        // Not the job's token: the job may end because it was cancelled, and its row must go all the same.
        var (ok, _) = await outage.TryAsync(ct => leases.EndAsync(id, ct), CancellationToken.None);
        if (!ok) _unended.TryAdd(id, 0);
    }

    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        var ended = _unended.Keys.ToList();
        var (ok, _) = await outage.TryAsync(ct => leases.RenewAsync(instance.Value, ended, ct), cancellationToken);
        if (ok)
            foreach (var id in ended) _unended.TryRemove(id, out _);
    }
}
