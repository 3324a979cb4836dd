namespace AotBot.Http;

/// <summary>
/// The clocks of one attempt, on <see cref="TimeProvider"/>: the attempt timeout (until the headers, or the whole
/// page) and the read-idle timeout re-armed before every body read. Either cancels <see cref="Token"/> and says which.
/// </summary>
internal sealed class AttemptScope : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly ITimer _attemptTimer;
    private readonly ITimer _idleTimer;
    private readonly TimeSpan _idleTimeout;
    private int _expired = -1;

    public AttemptScope(TimeProvider time, TimeSpan attemptTimeout, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _idleTimeout = idleTimeout;
        _attemptTimer = time.CreateTimer(static s => ((AttemptScope)s!).Expire(TransientFailure.AttemptTimeout), this, attemptTimeout, Timeout.InfiniteTimeSpan);
        _idleTimer = time.CreateTimer(static s => ((AttemptScope)s!).Expire(TransientFailure.ReadIdleTimeout), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Which of our timeouts ended the attempt, if one did.</summary>
    public TransientFailure? Expired => Volatile.Read(ref _expired) is var e and >= 0 ? (TransientFailure)e : null;

    /// <summary>Downloads: the attempt timeout covers the wait for headers; the body is bounded by the idle timeout only.</summary>
    public void EndAttemptTimeout() => _attemptTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public async ValueTask<int> ReadAsync(Stream body, Memory<byte> buffer)
    {
        _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            return await body.ReadAsync(buffer, _cancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void Expire(TransientFailure reason)
    {
        Interlocked.CompareExchange(ref _expired, (int)reason, -1);
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended while the timer fired.
        }
    }

    public void Dispose()
    {
        _attemptTimer.Dispose();
        _idleTimer.Dispose();
        _cancellation.Dispose();
    }
}
