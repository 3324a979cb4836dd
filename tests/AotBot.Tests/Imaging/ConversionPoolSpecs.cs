using AotBot.Imaging;

namespace AotBot.Tests.Imaging;

public sealed class ConversionPoolSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task I_can_run_work_on_the_pools_own_named_threads()
    {
        // Arrange
        await using var pool = new ConversionPool(workers: 2, queueLimit: 4);

        // Act
        var thread = await pool.RunAsync(() => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread), CancellationToken.None);

        // Assert
        Assert.StartsWith("aotbot-imaging-", thread.Name);
        Assert.False(thread.IsThreadPoolThread);
    }

    [Fact]
    public async Task I_never_get_more_jobs_running_at_once_than_workers()
    {
        // Arrange
        await using var pool = new ConversionPool(workers: 2, queueLimit: 16);
        var running = 0;
        var most = 0;

        // Act
        var jobs = Enumerable.Range(0, 12).Select(i => pool.RunAsync(() =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.SpinWait(200_000);
            Interlocked.Decrement(ref running);
            return i;
        }, CancellationToken.None).AsTask()).ToArray();
        var results = await Task.WhenAll(jobs).WaitAsync(Timeout);

        // Assert
        Assert.Equal(Enumerable.Range(0, 12), results);
        Assert.InRange(most, 1, 2);
    }

    [Fact]
    public async Task I_wait_to_enqueue_when_the_queue_is_full_and_go_on_when_it_drains()
    {
        // Arrange: one worker held busy, a queue of one filled.
        await using var pool = new ConversionPool(workers: 1, queueLimit: 1);
        using var release = new ManualResetEventSlim();
        var busy = await HoldWorker(pool, release);
        var queued = pool.RunAsync(() => 2, CancellationToken.None).AsTask();

        // Act
        var waiting = pool.RunAsync(() => 3, CancellationToken.None).AsTask();
        await Task.Delay(50);

        // Assert
        Assert.False(waiting.IsCompleted);
        release.Set();
        Assert.True(await busy.WaitAsync(Timeout));
        Assert.Equal(2, await queued.WaitAsync(Timeout));
        Assert.Equal(3, await waiting.WaitAsync(Timeout));
    }

    [Fact]
    public async Task I_can_cancel_a_queued_job_and_it_never_runs()
    {
        // Arrange
        await using var pool = new ConversionPool(workers: 1, queueLimit: 4);
        using var release = new ManualResetEventSlim();
        var busy = await HoldWorker(pool, release);
        using var cancellation = new CancellationTokenSource();
        var ran = false;
        var queued = pool.RunAsync(() => ran = true, cancellation.Token).AsTask();

        // Act
        cancellation.Cancel();

        // Assert: the caller is released at once, while the worker is still busy.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Timeout));
        release.Set();
        await busy.WaitAsync(Timeout);
        Assert.Equal(7, await pool.RunAsync(() => 7, CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.False(ran);
    }

    [Fact]
    public async Task I_can_cancel_while_waiting_to_enqueue()
    {
        // Arrange
        await using var pool = new ConversionPool(workers: 1, queueLimit: 1);
        using var release = new ManualResetEventSlim();
        _ = await HoldWorker(pool, release);
        _ = pool.RunAsync(() => 0, CancellationToken.None).AsTask();
        using var cancellation = new CancellationTokenSource();
        var waiting = pool.RunAsync(() => 1, cancellation.Token).AsTask();

        // Act
        cancellation.Cancel();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));
        release.Set();
    }

    [Fact]
    public async Task I_get_the_exception_of_failed_work()
    {
        await using var pool = new ConversionPool(workers: 1, queueLimit: 1);

        var error = await Assert.ThrowsAsync<ImageConversionException>(() =>
            pool.RunAsync<int>(() => throw new ImageConversionException("broken"), CancellationToken.None).AsTask());

        Assert.Equal("broken", error.Message);
    }

    [Fact]
    public async Task I_can_dispose_the_pool_and_queued_work_fails_while_running_work_finishes()
    {
        // Arrange
        var pool = new ConversionPool(workers: 1, queueLimit: 4);
        using var release = new ManualResetEventSlim();
        var running = await HoldWorker(pool, release);
        var queued = pool.RunAsync(() => 1, CancellationToken.None).AsTask();

        // Act
        var disposing = pool.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WaitAsync(Timeout));
        Assert.False(disposing.IsCompleted);
        release.Set();
        await disposing.WaitAsync(Timeout);

        // Assert
        Assert.True(await running);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.RunAsync(() => 2, CancellationToken.None).AsTask());
    }

    /// <summary>Occupies a worker until <paramref name="release"/> is set; returns once the job has left the queue.</summary>
    private static async Task<Task<bool>> HoldWorker(ConversionPool pool, ManualResetEventSlim release)
    {
        var job = pool.RunAsync(() => release.Wait(Timeout), CancellationToken.None).AsTask();
        await WaitUntil(() => pool.Busy > 0);
        return job;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(5);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = target; value > current; current = target)
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
                return;
        }
    }
}
