using System.Threading.Channels;

namespace AotBot.Imaging;

/// <summary>
/// Dedicated threads for long native work (decoding, encoding), so no thread-pool thread blocks in native code.
/// A bounded queue in front gives backpressure: callers wait to enqueue once <c>queueLimit</c> jobs are waiting.
/// Each worker runs one job at a time, so at most <see cref="Workers"/> jobs (and their decoded images) exist at once.
/// </summary>
internal sealed class ConversionPool : IAsyncDisposable, IDisposable
{
    private readonly Channel<Job> _queue;
    private readonly Thread[] _threads;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private int _busy;
    private int _disposed;

    public ConversionPool(int workers, int queueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueLimit, 1);
        QueueLimit = queueLimit;
        _queue = Channel.CreateBounded<Job>(new BoundedChannelOptions(queueLimit) { FullMode = BoundedChannelFullMode.Wait });
        _running = workers;
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"aotbot-imaging-{i + 1}" };
            _threads[i].Start();
        }
    }

    public int Workers => _threads.Length;

    /// <summary>Workers inside a job right now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Jobs waiting for a worker (callers beyond <see cref="QueueLimit"/> wait to enqueue and are not counted).</summary>
    public int Queued => _queue.Reader.Count;

    public int QueueLimit { get; }

    /// <summary>
    /// Runs <paramref name="work"/> on a worker. Cancellation is honoured while waiting to enqueue and while queued;
    /// once the job has started it runs to the end (native code cannot be interrupted).
    /// </summary>
    public async ValueTask<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var job = new Job<T>(work, cancellationToken);
        try
        {
            await _queue.Writer.WriteAsync(job, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(ConversionPool));
        }
        return await job.Task;
    }

    private void Work()
    {
        try
        {
            var reader = _queue.Reader;
            while (true)
            {
                if (reader.TryRead(out var job))
                {
                    Interlocked.Increment(ref _busy);
                    job.Run();
                    Interlocked.Decrement(ref _busy);
                    continue;
                }
                // A dedicated thread: blocking it while the queue is empty is its purpose.
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    return;
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
                _stopped.TrySetResult();
        }
    }

    /// <summary>Stops taking jobs, fails the queued ones and waits for the running ones to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var job))
            job.Abandon();
        await _stopped.Task;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private abstract class Job
    {
        public abstract void Run();

        public abstract void Abandon();
    }

    private sealed class Job<T> : Job
    {
        private readonly Func<T> _work;
        private readonly CancellationToken _cancellationToken;
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _registration;

        public Job(Func<T> work, CancellationToken cancellationToken)
        {
            _work = work;
            _cancellationToken = cancellationToken;
            // Cancelled while queued: the caller is released at once; the worker skips the job when it reaches it.
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((TaskCompletionSource<T>)state!).TrySetCanceled(token), _completion);
        }

        public Task<T> Task => _completion.Task;

        public override void Run()
        {
            _registration.Dispose();
            if (_completion.Task.IsCompleted)
                return;
            if (_cancellationToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(_cancellationToken);
                return;
            }
            try
            {
                _completion.TrySetResult(_work());
            }
            catch (Exception ex)
            {
                _completion.TrySetException(ex);
            }
        }

        public override void Abandon()
        {
            _registration.Dispose();
            _completion.TrySetException(new ObjectDisposedException(nameof(ConversionPool)));
        }
    }
}
