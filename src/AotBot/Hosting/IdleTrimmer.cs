using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZLogger;

namespace AotBot.Hosting;

/// <summary>
/// Gives memory back once no job has run for <c>Limits:IdleTrimSeconds</c>, after start-up and after every busy
/// spell: the GC keeps a burst's regions committed and glibc its arenas, so a bot that handled ten slideshows would
/// otherwise idle at four times its start-up size, and start-up itself leaves most of the binary resident.
/// </summary>
public sealed class IdleTrimmer : IHostedService, IDisposable
{
    private readonly TimeSpan _after;
    private readonly TimeProvider _time;
    private readonly Action _trim;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private int _running;
    private bool _stopped;

    public IdleTrimmer(IOptions<LimitsOptions> limits, TimeProvider time, ILogger<IdleTrimmer> logger)
        : this(TimeSpan.FromSeconds(limits.Value.IdleTrimSeconds), time, () => Trim(logger))
    {
    }

    internal IdleTrimmer(TimeSpan after, TimeProvider time, Action trim)
    {
        _after = after;
        _time = time;
        _trim = trim;
    }

    /// <summary>A job started: no trimming until the last running one ends.</summary>
    public void JobStarted()
    {
        lock (_gate)
        {
            _running++;
            Disarm();
        }
    }

    public void JobEnded()
    {
        lock (_gate)
        {
            if (--_running == 0) Arm();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_running == 0) Arm();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Disarm();
        }
    }

    private void Arm()
    {
        if (_after <= TimeSpan.Zero || _stopped) return;
        Disarm();
        _timer = _time.CreateTimer(static state => ((IdleTrimmer)state!).Fire(), this, _after, Timeout.InfiniteTimeSpan);
    }

    private void Disarm()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_running != 0 || _stopped || _timer is null) return;
            Disarm();
        }
        // Outside the lock: a job starting now waits for no one (the GC pauses it for a few milliseconds at most).
        _trim();
    }

    private static void Trim(ILogger logger)
    {
        var before = Environment.WorkingSet;
        var started = Environment.TickCount64;
        MemoryReclaim.CollectAndTrim();
        var pagedOut = MemoryReclaim.PageOutShippedFiles();
        logger.IdleTrimmed(before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024), pagedOut / (1024 * 1024), Environment.TickCount64 - started);
    }
}

internal static partial class HostingLog
{
    [ZLoggerMessage(1004, LogLevel.Debug, "Idle: memory given back, resident {beforeMb} MB -> {afterMb} MB ({pagedOutMb} MB of shipped files paged out) in {ms} ms")]
    public static partial void IdleTrimmed(this ILogger logger, long beforeMb, long afterMb, long pagedOutMb, long ms);
}
