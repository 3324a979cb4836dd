using AotBot.Core;
using AotBot.Hosting;
using AotBot.Telegram;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AotBot.Tests.Hosting;

public sealed class IdleTrimmerSpecs
{
    private static readonly TimeSpan After = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_bot_gives_memory_back_once_ten_seconds_after_start_up_when_no_job_comes()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var trims = 0;
        using var trimmer = new IdleTrimmer(After, time, () => trims++);
        await trimmer.StartAsync(CancellationToken.None);

        // Act
        time.Advance(IdleTrimmer.StartupDelay - TimeSpan.FromSeconds(1));
        var early = trims;
        time.Advance(TimeSpan.FromSeconds(1));
        var atTen = trims;
        time.Advance(After * 10);

        // Assert: not before, not at the 30 s idle time, and once: an idle bot has nothing more to give back
        Assert.Equal(0, early);
        Assert.Equal(1, atTen);
        Assert.Equal(1, trims);
    }

    [Fact]
    public async Task The_first_getUpdates_answer_brings_the_start_up_trim_forward_and_later_answers_do_not_repeat_it()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var trims = 0;
        using var trimmer = new IdleTrimmer(After, time, () => trims++);
        await trimmer.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));

        // Act
        trimmer.StartupSettled();
        time.Advance(IdleTrimmer.SettledDelay);
        var afterAnswer = trims;
        for (var i = 0; i < 5; i++)
        {
            trimmer.StartupSettled();
            time.Advance(TimeSpan.FromSeconds(50));
        }

        // Assert
        Assert.Equal(1, afterAnswer);
        Assert.Equal(1, trims);
    }

    [Fact]
    public async Task Updates_in_the_first_answer_start_jobs_and_the_trim_waits_for_the_quiet_time_after_them()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var trims = 0;
        using var trimmer = new IdleTrimmer(After, time, () => trims++);
        await trimmer.StartAsync(CancellationToken.None);

        // Act: the answer carries an update whose job starts within the settled delay
        trimmer.StartupSettled();
        trimmer.JobStarted();
        time.Advance(IdleTrimmer.StartupDelay * 2);
        var whileRunning = trims;
        trimmer.JobEnded();
        trimmer.StartupSettled();
        time.Advance(IdleTrimmer.SettledDelay);
        var rightAfter = trims;
        time.Advance(After);

        // Assert
        Assert.Equal(0, whileRunning);
        Assert.Equal(0, rightAfter);
        Assert.Equal(1, trims);
    }

    [Fact]
    public async Task A_running_job_holds_the_trim_off_until_the_last_one_ends_and_the_quiet_time_passes()
    {
        // Arrange: two jobs through the real job limiter
        var time = new FakeTimeProvider();
        var trims = 0;
        using var trimmer = new IdleTrimmer(After, time, () => trims++);
        var limits = Options.Create(new LimitsOptions { MaxJobsPerUser = 3, MaxConcurrentJobs = 4 });
        using var limiter = new JobLimiter(limits, new MemoryBudget(limits, time, NullLogger<MemoryBudget>.Instance), trimmer,
            new BotMetrics(time), new AotBot.Storage.MemoryUserJobs());
        await trimmer.StartAsync(CancellationToken.None);
        var first = await limiter.EnterAsync(CancellationToken.None);
        var second = await limiter.EnterAsync(CancellationToken.None);

        // Act
        time.Advance(After * 2);
        var whileRunning = trims;
        first.Dispose();
        time.Advance(After * 2);
        var whileOneRuns = trims;
        second.Dispose();
        time.Advance(After - TimeSpan.FromSeconds(1));
        var beforeQuiet = trims;
        time.Advance(TimeSpan.FromSeconds(1));

        // Assert
        Assert.Equal(0, whileRunning);
        Assert.Equal(0, whileOneRuns);
        Assert.Equal(0, beforeQuiet);
        Assert.Equal(1, trims);
    }

    [Fact]
    public async Task Each_busy_spell_is_followed_by_one_trim_and_a_job_starting_in_the_quiet_time_cancels_it()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var trims = 0;
        using var trimmer = new IdleTrimmer(After, time, () => trims++);
        await trimmer.StartAsync(CancellationToken.None);
        time.Advance(After);

        // Act: a job, a pause shorter than the quiet time, another job, then quiet
        trimmer.JobStarted();
        trimmer.JobEnded();
        time.Advance(After / 2);
        trimmer.JobStarted();
        time.Advance(After);
        var duringSecondJob = trims;
        trimmer.JobEnded();
        time.Advance(After);

        // Assert: start-up's trim, none during the second job, one after it
        Assert.Equal(1, duringSecondJob);
        Assert.Equal(2, trims);
    }

    [Fact]
    public async Task Zero_seconds_turns_the_trim_off_and_a_stopped_host_trims_no_more()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var off = 0;
        var stopped = 0;
        using var never = new IdleTrimmer(TimeSpan.Zero, time, () => off++);
        using var stopping = new IdleTrimmer(After, time, () => stopped++);
        await never.StartAsync(CancellationToken.None);
        await stopping.StartAsync(CancellationToken.None);

        // Act
        never.StartupSettled();
        never.JobStarted();
        never.JobEnded();
        await stopping.StopAsync(CancellationToken.None);
        stopping.JobStarted();
        stopping.JobEnded();
        time.Advance(After * 4);

        // Assert
        Assert.Equal(0, off);
        Assert.Equal(0, stopped);
    }
}
