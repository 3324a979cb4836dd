using System.Collections.Concurrent;
using AotBot.Core;
using Microsoft.Extensions.Options;

namespace AotBot.Telegram;

/// <summary>
/// <c>Limits:MaxJobsPerUser</c> links in progress per user (admission: over it the user is told to wait) and
/// <c>Limits:MaxConcurrentJobs</c> links worked on at once across the bot (the rest queue for a slot), and no new
/// job while the process is over <c>Limits:MemoryBudgetMB</c>.
/// </summary>
internal sealed class JobLimiter : IDisposable
{
    private readonly IOptions<LimitsOptions> _options;
    private readonly MemoryGate _memory;
    private readonly IdleTrimmer _idle;
    private readonly ConcurrentDictionary<long, int> _perUser = new();
    private readonly SemaphoreSlim _slots;
    private int _waiting;

    public JobLimiter(IOptions<LimitsOptions> options, MemoryBudget memory, IdleTrimmer idle, BotMetrics metrics)
    {
        _options = options;
        _memory = new MemoryGate(memory);
        _idle = idle;
        _slots = new SemaphoreSlim(options.Value.MaxConcurrentJobs, options.Value.MaxConcurrentJobs);
        metrics.ObserveQueueDepth("jobs", () => Volatile.Read(ref _waiting));
    }

    public int MaxJobsPerUser => _options.Value.MaxJobsPerUser;

    /// <summary>A lease on one of the user's places, or null when they already have the most allowed.</summary>
    public IDisposable? TryAdmit(long userId)
    {
        while (true)
        {
            var current = _perUser.GetOrAdd(userId, 0);
            if (current >= MaxJobsPerUser) return null;
            if (_perUser.TryUpdate(userId, current + 1, current)) return new Lease(this, userId);
        }
    }

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

    private void Release(long userId)
    {
        while (true)
        {
            var current = _perUser[userId];
            if (current <= 1)
            {
                if (_perUser.TryRemove(new KeyValuePair<long, int>(userId, current))) return;
            }
            else if (_perUser.TryUpdate(userId, current - 1, current)) return;
        }
    }

    private sealed class Lease(JobLimiter limiter, long userId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) limiter.Release(userId);
        }
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
