using AotBot.Core;
using AotBot.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Hosting;

public sealed class MemoryBudgetSpecs
{
    [Fact]
    public async Task I_can_start_a_job_at_once_while_under_budget()
    {
        var budget = new MemoryBudget(100, () => 50, new FakeTimeProvider(), NullLogger<MemoryBudget>.Instance);

        var wait = budget.WaitForRoomAsync(() => 1, CancellationToken.None);

        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
    }

    [Fact]
    public async Task A_new_job_waits_while_over_budget_and_goes_when_memory_comes_back()
    {
        // Arrange
        var used = 150L;
        var time = new FakeTimeProvider();
        var budget = new MemoryBudget(100, () => Interlocked.Read(ref used), time, NullLogger<MemoryBudget>.Instance);

        // Act
        var wait = budget.WaitForRoomAsync(() => 1, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        var stillWaiting = !wait.IsCompleted;
        Interlocked.Exchange(ref used, 60);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(stillWaiting);
        Assert.True(wait.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_job_goes_over_budget_when_no_other_job_runs_to_free_memory()
    {
        // Arrange: after a burst the process may stay over budget with nothing running; waiting then would be forever
        var running = 2;
        var time = new FakeTimeProvider();
        var budget = new MemoryBudget(100, () => 500, time, NullLogger<MemoryBudget>.Instance);

        // Act
        var wait = budget.WaitForRoomAsync(() => Volatile.Read(ref running), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        var waitedWhileOthersRan = !wait.IsCompleted;
        Interlocked.Exchange(ref running, 0);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(waitedWhileOthersRan);
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(budget.WaitForRoomAsync(() => 0, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_waiting_job_can_be_cancelled()
    {
        var budget = new MemoryBudget(100, () => 500, new FakeTimeProvider(), NullLogger<MemoryBudget>.Instance);
        using var cts = new CancellationTokenSource();

        var wait = budget.WaitForRoomAsync(() => 1, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public void No_budget_means_no_waiting()
    {
        var budget = new MemoryBudget(0, () => long.MaxValue, new FakeTimeProvider(), NullLogger<MemoryBudget>.Instance);

        Assert.False(budget.IsEnabled);
        Assert.True(budget.WaitForRoomAsync(() => 1, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Work_waits_when_what_it_and_the_running_work_are_expected_to_add_would_pass_the_budget()
    {
        // Arrange: measured 60 of 100, a decode expected to add 30; one decode already running
        var used = 60L;
        var running = 1;
        var time = new FakeTimeProvider();
        var budget = new MemoryBudget(100, () => Interlocked.Read(ref used), time, NullLogger<MemoryBudget>.Instance);

        // Act
        var alone = budget.WaitForRoomAsync(() => 0, CancellationToken.None, () => 30);
        var second = budget.WaitForRoomAsync(() => Volatile.Read(ref running), CancellationToken.None, () => (Volatile.Read(ref running) + 1) * 30L).AsTask();
        time.Advance(TimeSpan.FromSeconds(2));
        var waited = !second.IsCompleted;
        Volatile.Write(ref running, 0);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await second.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert: 60 + 30 fits; 60 + 2 x 30 does not until the running decode ends
        Assert.True(alone.IsCompletedSuccessfully);
        Assert.True(waited);
    }
}
