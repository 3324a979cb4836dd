using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZLogger;

namespace AotBot.Hosting;

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

    /// <summary>
    /// Returns at once while the process is under budget; otherwise asks the GC to give memory back and waits, polling,
    /// until it is. Jobs already running are never stopped: they are what frees the memory.
    /// </summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        if (!IsEnabled || _measure() < _budgetBytes) return;

        // Gen2 garbage from finished jobs is often all that is over the budget.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var used = _measure();
        if (used < _budgetBytes) return;

        _logger.MemoryBudgetWaiting(used / (1024 * 1024), _budgetBytes / (1024 * 1024));
        var start = _time.GetTimestamp();
        while ((used = _measure()) >= _budgetBytes)
        {
            await Task.Delay(s_pollInterval, _time, cancellationToken);
        }
        _logger.MemoryBudgetResumed(used / (1024 * 1024), (long)_time.GetElapsedTime(start).TotalMilliseconds);
    }
}

internal static partial class HostingLog
{
    [ZLoggerMessage(1001, LogLevel.Warning, "Memory budget reached ({usedMb} MB of {budgetMb} MB): new jobs wait")]
    public static partial void MemoryBudgetWaiting(this ILogger logger, long usedMb, long budgetMb);

    [ZLoggerMessage(1002, LogLevel.Information, "Memory back under budget ({usedMb} MB) after {waitedMs} ms")]
    public static partial void MemoryBudgetResumed(this ILogger logger, long usedMb, long waitedMs);
}
