using AotBot.Core;
using AotBot.Storage;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>
/// <c>Limits:MaxJobsPerUser</c> links in progress per user across every instance (admission: over it the user is
/// told to wait; counted by <see cref="IUserJobs"/>) and
/// <c>Limits:MaxConcurrentJobs</c> links worked on at once across the bot (the rest queue for a slot), and no new
/// job while the process is over <c>Limits:MemoryBudgetMB</c>.
/// </summary>
internal sealed class JobLimiter : IDisposable
{
    private readonly IOptions<LimitsOptions> _options;
    private readonly MemoryGate _memory;
    private readonly IdleTrimmer _idle;
    private readonly IUserJobs _users;
    private readonly SemaphoreSlim _slots;
    private int _waiting;

    public JobLimiter(IOptions<LimitsOptions> options, MemoryBudget memory, IdleTrimmer idle, BotMetrics metrics, IUserJobs users)
    {
        _options = options;
        _users = users;
        _memory = new MemoryGate(memory);
        _idle = idle;
        _slots = new SemaphoreSlim(options.Value.MaxConcurrentJobs, options.Value.MaxConcurrentJobs);
        metrics.ObserveQueueDepth("jobs", () => Volatile.Read(ref _waiting));
    }

    public int MaxJobsPerUser => _options.Value.MaxJobsPerUser;

    /// <summary>A lease on one of the user's places, or null when they already have the most allowed.</summary>
    public async ValueTask<IAsyncDisposable?> TryAdmitAsync(long userId, CancellationToken cancellationToken) =>
        await _users.TryStartAsync(userId, MaxJobsPerUser, cancellationToken) is { } job ? new Lease(_users, job) : null;

    /// <summary>
    /// Waits for one of the bot-wide slots, then for room in memory as it is then: a job that queued for a slot
    /// during a burst must not start on a measurement taken before the burst.
    /// </summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        // Counted in queue "jobs" while waiting for a slot or for memory.
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
            try
            {
                // Running jobs are what can free memory; others waiting here free none.
                await _memory.EnterAsync(cancellationToken);
            }
            catch
            {
                _slots.Release();
                throw;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        _idle.JobStarted();
        return new Slot(this);
    }

    public void Dispose()
    {
        _slots.Dispose();
        _memory.Dispose();
    }

    private sealed class Lease(IUserJobs users, UserJob job) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _released, 1) == 0 ? users.EndAsync(job) : ValueTask.CompletedTask;
    }

    private sealed class Slot(JobLimiter limiter) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            limiter._memory.Exit();
            limiter._idle.JobEnded();
            limiter._slots.Release();
        }
    }
}
