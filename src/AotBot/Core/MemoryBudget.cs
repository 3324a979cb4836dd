using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZLogger;

namespace AotBot.Core;

/// <summary>
/// Keeps the process under <c>Limits:MemoryBudgetMB</c> by making new jobs wait for room instead of letting the heap
/// grow: on a 512 MB board, queueing a slideshow for a second beats being killed by the OOM killer.
/// </summary>
public sealed class MemoryBudget
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);
    private readonly long _budgetBytes;
    private readonly Func<long> _measure;
    private readonly TimeProvider _time;
    private readonly ILogger<MemoryBudget> _logger;

    public MemoryBudget(IOptions<LimitsOptions> limits, TimeProvider time, ILogger<MemoryBudget> logger)
        : this(limits.Value.MemoryBudgetMB * 1024L * 1024L, static () => Environment.WorkingSet, time, logger)
    {
    }

    internal MemoryBudget(long budgetBytes, Func<long> measure, TimeProvider time, ILogger<MemoryBudget> logger)
    {
        _budgetBytes = budgetBytes;
        _measure = measure;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether a budget is set (0 = unlimited).</summary>
    public bool IsEnabled => _budgetBytes > 0;

    /// <summary>Whether a budget is set and the process is over it now.</summary>
    public bool IsOver => IsEnabled && _measure() >= _budgetBytes;

    /// <summary>
    /// Returns at once while the process is under budget. Otherwise gives memory back (a full GC and a trim of the
    /// native heap) and waits, polling, until it is under budget, giving memory back again each time a running job
    /// ends. Jobs already running are never stopped: they are what frees the memory. When none runs
    /// (<paramref name="othersRunning"/> is 0), waiting could free nothing, so the job goes over budget.
    /// </summary>
    /// <param name="expected">
    /// Bytes the work about to start and the running work it waits on are still expected to add to the measurement
    /// (a decode's planes); room means room for them too.
    /// </param>
    public async ValueTask WaitForRoomAsync(Func<int> othersRunning, CancellationToken cancellationToken, Func<long>? expected = null)
    {
        long Used() => _measure() + (expected?.Invoke() ?? 0);
        if (!IsEnabled || Used() < _budgetBytes) return;

        var start = _time.GetTimestamp();
        var running = int.MaxValue;
        var waiting = false;
        while (true)
        {
            var now = othersRunning();
            if (now < running)
            {
                // Gen2 garbage and freed native pages of finished jobs are often all that is over the budget.
                MemoryReclaim.CollectAndTrim();
                running = now;
            }
            var used = Used();
            if (used < _budgetBytes)
            {
                if (waiting) _logger.MemoryBudgetResumed(used / (1024 * 1024), (long)_time.GetElapsedTime(start).TotalMilliseconds);
                return;
            }
            if (now == 0)
            {
                _logger.MemoryBudgetNothingRunning(used / (1024 * 1024), _budgetBytes / (1024 * 1024));
                return;
            }
            if (!waiting)
            {
                _logger.MemoryBudgetWaiting(used / (1024 * 1024), _budgetBytes / (1024 * 1024));
                waiting = true;
            }
            await Task.Delay(s_pollInterval, _time, cancellationToken);
        }
    }
}

/// <summary>
/// One kind of work (jobs, conversions) entering under <see cref="MemoryBudget"/> one waiter at a time, and counted
/// while it runs: waiters that all saw none running would otherwise all go at once (measured: 211 MB under a 150 MB
/// budget with four conversion workers). Each kind needs a gate of its own: a job waiting for room must not hold up
/// the conversions of the running jobs, which are what frees it.
/// </summary>
public sealed class MemoryGate(MemoryBudget budget) : IDisposable
{
    private readonly SemaphoreSlim _admission = new(1);
    private int _running;

    /// <summary>Work of this kind running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>
    /// Waits for room (see <see cref="MemoryBudget.WaitForRoomAsync"/>) and counts the work in; at once when no budget
    /// is set. <paramref name="expected"/> gets the running count and returns the bytes still to come.
    /// </summary>
    public async ValueTask EnterAsync(CancellationToken cancellationToken, Func<int, long>? expected = null)
    {
        if (!budget.IsEnabled)
        {
            Interlocked.Increment(ref _running);
            return;
        }
        await _admission.WaitAsync(cancellationToken);
        try
        {
            await budget.WaitForRoomAsync(() => Running, cancellationToken, expected is null ? null : () => expected(Running));
            Interlocked.Increment(ref _running);
        }
        finally
        {
            _admission.Release();
        }
    }

    /// <summary>The work counted in by <see cref="EnterAsync"/> has ended.</summary>
    public void Exit() => Interlocked.Decrement(ref _running);

    public void Dispose() => _admission.Dispose();
}

internal static partial class CoreLog
{
    [ZLoggerMessage(1001, LogLevel.Warning, "Memory budget reached ({usedMb} MB of {budgetMb} MB): new jobs wait")]
    public static partial void MemoryBudgetWaiting(this ILogger logger, long usedMb, long budgetMb);

    [ZLoggerMessage(1002, LogLevel.Information, "Memory back under budget ({usedMb} MB) after {waitedMs} ms")]
    public static partial void MemoryBudgetResumed(this ILogger logger, long usedMb, long waitedMs);

    [ZLoggerMessage(1003, LogLevel.Warning, "{usedMb} MB in use with no job running, over the budget of {budgetMb} MB: the job goes; the budget is too low for this process")]
    public static partial void MemoryBudgetNothingRunning(this ILogger logger, long usedMb, long budgetMb);
}
