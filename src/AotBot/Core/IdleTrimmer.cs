using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZLogger;

namespace AotBot.Core;

/// <summary>
/// Gives memory back once no job has run for <c>Limits:IdleTrimSeconds</c> after every busy spell: the GC keeps a
/// burst's regions committed and glibc its arenas, so a bot that handled ten slideshows would otherwise idle at four
/// times its start-up size. Start-up itself leaves most of the binary resident, so the first trim comes sooner:
/// <see cref="StartupDelay"/> after start, or a moment after the first getUpdates answer, whichever is first, so a
/// bot a supervisor just restarted is lean within seconds rather than at twice its idle size for half a minute.
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
    private bool _startupPending;

    /// <summary>The start-up trim comes this long after start at the latest (or after the idle time, if shorter).</summary>
    internal static readonly TimeSpan StartupDelay = TimeSpan.FromSeconds(10);

    // Time for the updates of the first answer to start their jobs, which call the trim off.
    internal static readonly TimeSpan SettledDelay = TimeSpan.FromSeconds(1);

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
            // The trim after this job covers start-up too.
            _startupPending = false;
            Disarm();
        }
    }

    public void JobEnded()
    {
        lock (_gate)
        {
            if (--_running == 0) Arm(_after);
        }
    }

    /// <summary>Telegram answered a getUpdates: start-up is over, so the start-up trim need not wait any longer.</summary>
    public void StartupSettled()
    {
        lock (_gate)
        {
            if (_startupPending && _running == 0) Arm(SettledDelay);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _startupPending = true;
            if (_running == 0) Arm(_after < StartupDelay ? _after : StartupDelay);
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

    private void Arm(TimeSpan due)
    {
        if (_after <= TimeSpan.Zero || _stopped) return;
        Disarm();
        _timer = _time.CreateTimer(static state => ((IdleTrimmer)state!).Fire(), this, due, Timeout.InfiniteTimeSpan);
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
            _startupPending = false;
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

internal static partial class CoreLog
{
    [ZLoggerMessage(1004, LogLevel.Debug, "Idle: memory given back, resident {beforeMb} MB -> {afterMb} MB ({pagedOutMb} MB of shipped files paged out) in {ms} ms")]
    public static partial void IdleTrimmed(this ILogger logger, long beforeMb, long afterMb, long pagedOutMb, long ms);
}
