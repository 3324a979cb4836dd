using AotBot.Core;
using AotBot.Hosting;
using AotBot.Telegram;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Telegram;

public sealed class JobLimiterSpecs
{
    private static JobLimiter Limiter(int perUser, int concurrent)
    {
        var limits = Options.Create(new LimitsOptions { MaxJobsPerUser = perUser, MaxConcurrentJobs = concurrent });
        return new JobLimiter(limits, new MemoryBudget(limits, TimeProvider.System, NullLogger<MemoryBudget>.Instance),
            new IdleTrimmer(TimeSpan.Zero, TimeProvider.System, () => { }), new BotMetrics(TimeProvider.System), new AotBot.Storage.MemoryUserJobs());
    }

    [Fact]
    public async Task A_user_gets_as_many_places_as_the_limit_and_one_more_after_a_job_ends()
    {
        // Arrange
        using var limiter = Limiter(perUser: 3, concurrent: 8);

        // Act
        var leases = new List<IAsyncDisposable?>();
        for (var i = 0; i < 3; i++) leases.Add(await limiter.TryAdmitAsync(1, default));
        var fourth = await limiter.TryAdmitAsync(1, default);
        var otherUser = await limiter.TryAdmitAsync(2, default);
        await leases[0]!.DisposeAsync();
        await leases[0]!.DisposeAsync();
        var afterOneEnded = await limiter.TryAdmitAsync(1, default);
        var stillFull = await limiter.TryAdmitAsync(1, default);

        // Assert
        Assert.All(leases, Assert.NotNull);
        Assert.Null(fourth);
        Assert.NotNull(otherUser);
        Assert.NotNull(afterOneEnded);
        Assert.Null(stillFull);
    }

    [Fact]
    public async Task A_job_that_queued_for_a_slot_checks_the_memory_budget_when_it_gets_one()
    {
        // Arrange: two slots taken while memory was low, a third job queued behind them
        var used = 50L;
        var time = new FakeTimeProvider();
        var limits = Options.Create(new LimitsOptions { MaxJobsPerUser = 3, MaxConcurrentJobs = 2 });
        using var limiter = new JobLimiter(limits, new MemoryBudget(100, () => Interlocked.Read(ref used), time, NullLogger<MemoryBudget>.Instance),
            new IdleTrimmer(TimeSpan.Zero, time, () => { }), new BotMetrics(TimeProvider.System), new AotBot.Storage.MemoryUserJobs());
        var first = await limiter.EnterAsync(default);
        var second = await limiter.EnterAsync(default);
        var third = limiter.EnterAsync(default);

        // Act: the burst grows memory past the budget, then the first job ends
        Interlocked.Exchange(ref used, 150);
        first.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        var waitedForMemory = !third.IsCompleted;
        Interlocked.Exchange(ref used, 60);
        time.Advance(TimeSpan.FromMilliseconds(200));
        var slot = await third.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(waitedForMemory);
        second.Dispose();
        slot.Dispose();
    }

    [Fact]
    public async Task Over_the_budget_with_nothing_running_one_waiting_job_goes_not_all_of_them()
    {
        // Arrange: memory over the budget for good, three slots free, three jobs arriving together
        var time = new FakeTimeProvider();
        var limits = Options.Create(new LimitsOptions { MaxJobsPerUser = 3, MaxConcurrentJobs = 3 });
        using var limiter = new JobLimiter(limits, new MemoryBudget(100, () => 500, time, NullLogger<MemoryBudget>.Instance),
            new IdleTrimmer(TimeSpan.Zero, time, () => { }), new BotMetrics(TimeProvider.System), new AotBot.Storage.MemoryUserJobs());
        var entering = Enumerable.Range(0, 3).Select(_ => limiter.EnterAsync(default)).ToList();

        // Act
        var first = await Task.WhenAny(entering).Unwrap().WaitAsync(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        var goneWhileOneRuns = entering.Count(t => t.IsCompleted);
        var waiting = entering.Where(t => !t.IsCompleted).ToList();
        first.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(200));
        var second = await Task.WhenAny(waiting).Unwrap().WaitAsync(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        var goneAfter = entering.Count(t => t.IsCompleted);
        second.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(200));
        var third = await waiting.Single(t => !t.IsCompleted || t.Result != second).WaitAsync(TimeSpan.FromSeconds(5));
        third.Dispose();

        // Assert: waiting could free nothing, so one goes over budget; the others wait for it, one at a time
        Assert.Equal(1, goneWhileOneRuns);
        Assert.Equal(2, goneAfter);
    }

    [Fact]
    public async Task Jobs_beyond_the_bot_wide_limit_wait_for_a_slot()
    {
        // Arrange
        using var limiter = Limiter(perUser: 3, concurrent: 2);
        var first = await limiter.EnterAsync(default);
        var second = await limiter.EnterAsync(default);

        // Act
        var third = limiter.EnterAsync(default);
        var waitedWhileFull = !third.IsCompleted;
        second.Dispose();
        var slot = await third.WaitAsync(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(waitedWhileFull);
        Assert.NotNull(slot);
        first.Dispose();
        slot.Dispose();
    }
}
